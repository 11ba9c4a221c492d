"""Letters (SPEC §7): who receives what, in which words, and the snapshot each one states.

A director receives the directorate's bulletin and the regional one; regional recipients
receive the regional bulletin; a directorate with rows set aside, files rejected or provisional
figures also gets a receipt (`receipts.py`). Each letter carries a *snapshot* of what its
recipient acts on (its own figures and rank; the whole ranking for the region): an unchanged
snapshot is never sent twice, a changed one for an already-delivered period goes out as a
corrected edition saying which figures moved (`rounds.py`).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import KW_ONLY, dataclass
from pathlib import Path

import pandas as pd

from nashra.periods import Period
from nashra.reference import REGION, Reference
from tasks.delivery.headline import headline_html
from tasks.evaluation.figures import FIGURES, RATES
from tasks.files import sha256_file


@dataclass(frozen=True)
class Letter:
    """One message to one recipient: its words, its attachments and what it states."""

    kind: str  # bulletin | receipt
    scope: str  # REGION or a directorate code
    name: str
    email: str
    subject: str
    body: str
    attachments: tuple[Path, ...]
    snapshot: dict
    _: KW_ONLY
    html: str = ""  # the HTML alternative: the headline without opening the PDF
    reply_to: str = ""  # the regional center's address (programme.csv, center_email)

    @property
    def edition_key(self) -> str:
        return hashlib.sha256(json.dumps(self.snapshot, sort_keys=True).encode()).hexdigest()[:24]

    @property
    def sha256(self) -> str:
        """sha256 of the attachment (one), or over the attachments' digests (several)."""
        digests = [sha256_file(p) for p in self.attachments]
        return digests[0] if len(digests) == 1 else hashlib.sha256("".join(digests).encode()).hexdigest()


def recipients(reference: Reference, scope: str) -> list[tuple[str, str]]:
    rows = reference.recipients[reference.recipients["scope"] == scope]
    return list(zip(rows["name"], rows["email"], strict=True))


def place_names(reference: Reference, scope: str) -> tuple[str, str]:
    if scope == REGION:
        return "الجهة", "Région"
    names = reference.directorates.loc[scope]
    return f"المديرية الإقليمية {names['name_ar']}", f"Direction provinciale {names['name_fr']}"


def figures_snapshot(row: pd.Series) -> dict:
    """What a bulletin states about one directorate, rounded as printed."""
    snap = {
        "rank": row["rank"],
        "rank_change": row["rank_change"],
        "data_status": row["data_status"],
        "provisional": row.get("provisional"),
    }
    for name in FIGURES:
        value = row[name]
        snap[name] = round(float(value), 4 if name in RATES else 2) if pd.notna(value) else None
    return {k: (None if v is None or (not isinstance(v, str) and pd.isna(v)) else v) for k, v in snap.items()}


UNUSED_TITLE = "À vérifier — non utilisé dans le dossier de la semaine / للتحقق — غير مستعمل في مجلد الأسبوع :"


def plan_letters(
    reference: Reference, bulletins: dict[str, Path], period: Period, ranking: pd.DataFrame, *, unused=()
) -> list[Letter]:
    """One bulletin letter per recipient of `recipients.csv` whose bulletins exist; the regional
    recipients' also lists what the week's folder held that the run did not use (`unused`)."""
    by_code = ranking.set_index("directorate_code")
    everyone = {code: figures_snapshot(row) for code, row in by_code.iterrows()}
    names = {code: (row.name_ar, row.name_fr) for code, row in reference.directorates.iterrows()}
    letters = []
    for scope, name, email in reference.recipients[["scope", "name", "email"]].itertuples(index=False):
        wanted = (bulletins.get(scope), bulletins.get(REGION)) if scope != REGION else (bulletins.get(REGION),)
        attachments = tuple(p for p in wanted if p is not None)
        if not attachments:
            continue
        snapshot = everyone if scope == REGION else {scope: everyone.get(scope)}
        where = place_names(reference, scope)
        letters.append(
            bulletin_letter(
                scope,
                (name, email),
                attachments,
                snapshot,
                where=where,
                names=names,
                programme=reference.programme,
                period=period,
                unused=unused if scope == REGION else (),
            )
        )
    return letters


def bulletin_letter(
    scope: str,
    recipient: tuple[str, str],
    attachments: tuple[Path, ...],
    snapshot: dict,
    *,
    where: tuple[str, str],
    names: dict[str, tuple[str, str]],
    programme: dict[str, str],
    period: Period,
    unused=(),
) -> Letter:
    """A bulletin letter: its words in both languages around `where` (the bulletin's place),
    the headline of its snapshot, answers going to the sending center (programme's center_email)."""
    as_of = period.as_of.strftime("%d/%m/%Y")
    body = (
        f"السلام عليكم،\n\nتجدون رفقته النشرة الأسبوعية للتكوينات الإشهادية MOS ({where[0]})، "
        f"الأسبوع {period}، الوضعية إلى غاية {as_of}.\n\n"
        f"Bonjour,\n\nVeuillez trouver ci-joint le bulletin hebdomadaire des formations certifiantes MOS "
        f"({where[1]}), semaine {period}, situation arrêtée au {as_of}.\n\n"
        f"Pièces jointes : {', '.join(p.name for p in attachments)}\n\n"
        + "".join(f"{line}\n" for line in (UNUSED_TITLE, *unused, "") if unused)
        + f"— {programme.get('center_ar', '')} / {programme.get('center_fr', '')}\n"
    )
    subject = f"نشرة التكوينات الإشهادية MOS — {period} | Bulletin MOS {period} — {where[1]}"
    words = {
        "title": (f"نشرة التكوينات الإشهادية MOS — {where[0]}", f"Bulletin des formations MOS — {where[1]}"),
        "period": str(period),
        "as_of": as_of,
        "files": ", ".join(p.name for p in attachments),
        "center": (programme.get("center_ar", ""), programme.get("center_fr", "")),
    }
    html = headline_html(scope, snapshot, names=names, words=words)
    name, email = recipient
    sent_to = programme.get("center_email", "")  # as reply_to() for an academy
    return Letter("bulletin", scope, name, email, subject, body, attachments, snapshot, html=html, reply_to=sent_to)


def reply_to(reference: Reference) -> str:
    """Where a director's answer goes: the regional center (programme.csv's center_email)."""
    return reference.programme.get("center_email", "")


def what_changed(before: dict, after: dict) -> list[str]:
    """The figures that moved between two snapshots, as `FES score : 52.41 -> 53.10`."""
    changes = []
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        if isinstance(old, dict) or isinstance(new, dict):
            changes += [f"{key} {line}" for line in what_changed(old or {}, new or {})]
        elif old != new:
            changes.append(f"{key} : {old if old is not None else '—'} -> {new if new is not None else '—'}")
    return changes
