"""The submission register (issue 3): for each directorate and source, what was expected, sent,
accepted, rejected, carried over or missing this period, and whether a file was resubmitted.

Resubmissions are known from `data/state/submissions/<period>.json`, which remembers the
sha256 of every file each run of that period has seen.
"""

from __future__ import annotations

import json
from pathlib import Path

from nashra.periods import Period
from schemas.headers import SOURCES
from tasks.files import write_atomic
from tasks.intake.discover import PeriodFolder
from tasks.intake.ingest import DirectorateData

OUTCOMES = ("accepted", "rejected", "carried", "missing")


def _sent(folder: PeriodFolder, code: str, source: str) -> bool:
    """A file for this source is in the period's own folder, usable or not (ambiguous pairs included)."""
    if (code, source) in folder.drops:
        return True
    return any(i["directorate"] == code and i["source"] == source for i in folder.ignored)


def _outcome(data, period: Period, sent: bool) -> tuple[str, str | None]:
    used = data.drop.period if data.drop else None
    if used == period:
        return "accepted", str(used)
    if sent:
        return "rejected", str(used) if used else None
    return ("carried", str(used)) if used else ("missing", None)


def submission_register(
    directorates: dict[str, DirectorateData], folder: PeriodFolder, seen_dir: Path | None
) -> list[dict]:
    """One row per directorate and source, in reference order; `seen_dir` remembers the files
    each run of a period has seen (None: nothing remembered)."""
    period = folder.period
    seen_path = Path(seen_dir) / f"{period}.json" if seen_dir else None
    seen: dict[str, list[str]] = json.loads(seen_path.read_text()) if seen_path and seen_path.is_file() else {}
    rows = []
    for code, directorate in directorates.items():
        for source in SOURCES:
            data = directorate.sources[source]
            sent = _sent(folder, code, source)
            outcome, used = _outcome(data, period, sent)
            own = folder.drops.get((code, source))
            digest = next((i.sha256 for i in data.inputs if own and i.path == str(own.path)), None)
            history = seen.setdefault(f"{code}/{source}", [])
            if digest and digest not in history:
                history.append(digest)
            earlier = [h for h in history if h != digest]
            rows.append(
                {
                    "directorate": code,
                    "source": source,
                    "expected": True,
                    "received": sent,
                    "outcome": outcome,
                    "used_period": used,
                    "sha256": digest,
                    "replaced": bool(digest and earlier),
                    "replaced_sha256": earlier[-1] if digest and earlier else None,
                }
            )
    if seen_path:
        write_atomic(seen_path, (json.dumps(seen, indent=1, sort_keys=True) + "\n").encode())
    return rows


def register_counts(rows: list[dict]) -> dict[str, int]:
    counts = {"expected": len(rows), "received": sum(r["received"] for r in rows)}
    counts |= {outcome: sum(r["outcome"] == outcome for r in rows) for outcome in OUTCOMES}
    return counts | {"replaced": sum(r["replaced"] for r in rows)}
