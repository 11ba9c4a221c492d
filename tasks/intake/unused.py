"""What the run does not use in a period's folder, said where the operator looks (SPEC §8
"Folders and files"): each item with what it most likely is, and a directorate shown as carried
or missing while such an item may be its file called out as probably misnamed."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path, PurePath

CARRIED_OR_MISSING = ("carried", "missing")


def unused_lines(ignored: list[dict], data_status: Mapping[str, str], period: str) -> list[str]:
    """One line per unused item (French and Arabic), then one per directorate probably misnamed."""
    lines: list[str] = []
    suspects: dict[str, str] = {}
    for item in ignored:
        where = _within(item["path"], period)
        guess = item.get("likely")
        meant = item.get("directorate") or (guess if guess in data_status else None)
        hint = f" — {guess} ?" if guess else ""
        lines.append(f"« {where} »{hint} : non utilisé / غير مستعمل — {item['reason']}")
        if meant and data_status.get(meant) in CARRIED_OR_MISSING:
            suspects.setdefault(meant, where)
    for code, where in suspects.items():
        shown = "reportée" if data_status[code] == "carried" else "manquante"
        lines.append(
            f"{code} est {shown} alors que « {where} » est dans le dossier de {period} : probablement mal nommé, "
            f"le renommer et relancer / {code}: « {where} » موجود في مجلد {period} ولم يستعمل، ربما اسمه خاطئ"
        )
    return lines


def _within(path: str, period: str) -> str:
    """The path below the period's folder, as the operator sees it there (`FEZ/`, `FES/exam_results (1).csv`)."""
    parts = PurePath(path).parts
    below = parts[parts.index(period) + 1 :] if period in parts else parts[-1:]
    return "/".join(below) + ("/" if Path(path).is_dir() else "")
