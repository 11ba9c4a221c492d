"""Delivery (SPEC §7): who receives which bulletin, the bilingual message, and the outbox.

A director receives the directorate's bulletin and the regional one; regional recipients
receive the regional bulletin. Message-IDs derive from the period, the recipient and the
bulletins' sha256, so the same bulletins are never written twice for the same recipient.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, formatdate
from pathlib import Path

from nashra.periods import Period
from nashra.reference import Reference
from tasks.outputs import now_utc, write_atomic

REGION = "REGION"
DEFAULT_SENDER = "Nashra — CRSI Fès-Meknès <nashra@aref-fm.example>"


@dataclass(frozen=True)
class Letter:
    """One message to one recipient: which bulletins, to whom, in which words."""

    scope: str  # REGION or a directorate code
    name: str
    email: str
    attachments: tuple[Path, ...]
    digest: str  # sha256 over the attached bulletins

    def message_id(self, period: Period) -> str:
        key = f"{period}|{self.email.lower()}|{self.digest}".encode()
        return f"<{hashlib.sha256(key).hexdigest()[:32]}@nashra.aref-fm>"


def _digest(paths: tuple[Path, ...]) -> str:
    return hashlib.sha256(b"".join(hashlib.sha256(p.read_bytes()).digest() for p in paths)).hexdigest()


def plan_letters(reference: Reference, bulletins: dict[str, Path]) -> list[Letter]:
    """One letter per recipient of `recipients.csv` whose bulletins exist; `bulletins` maps scope -> PDF."""
    letters = []
    for scope, name, email in reference.recipients[["scope", "name", "email"]].itertuples(index=False):
        wanted = (bulletins.get(scope), bulletins.get(REGION)) if scope != REGION else (bulletins.get(REGION),)
        attachments = tuple(p for p in wanted if p is not None)
        if attachments:
            letters.append(Letter(scope, name, email, attachments, _digest(attachments)))
    return letters


def compose(letter: Letter, period: Period, reference: Reference, sender: str) -> EmailMessage:
    """The bilingual message with its PDFs attached."""
    is_region = letter.scope == REGION
    where_ar = "الجهة" if is_region else f"المديرية الإقليمية {reference.directorates.at[letter.scope, 'name_ar']}"
    where_fr = "Région" if is_region else f"Direction provinciale {reference.directorates.at[letter.scope, 'name_fr']}"
    as_of = period.as_of.strftime("%d/%m/%Y")
    message = EmailMessage()
    message["Subject"] = f"نشرة التكوينات الإشهادية MOS — {period} | Bulletin MOS {period} — {where_fr}"
    message["From"] = sender
    message["To"] = formataddr((letter.name, letter.email))
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = letter.message_id(period)
    message["X-Nashra-Period"] = str(period)
    names = ", ".join(p.name for p in letter.attachments)
    message.set_content(
        f"السلام عليكم،\n\n"
        f"تجدون رفقته النشرة الأسبوعية للتكوينات الإشهادية MOS ({where_ar})، الأسبوع {period}، "
        f"الوضعية إلى غاية {as_of}.\n\n"
        f"Bonjour,\n\n"
        f"Veuillez trouver ci-joint le bulletin hebdomadaire des formations certifiantes MOS ({where_fr}), "
        f"semaine {period}, situation arrêtée au {as_of}.\n\n"
        f"Pièces jointes : {names}\n\n"
        f"— {reference.programme.get('center_ar', '')} / {reference.programme.get('center_fr', '')}\n"
    )
    for path in letter.attachments:
        message.add_attachment(path.read_bytes(), maintype="application", subtype="pdf", filename=path.name)
    return message


def _outbox_name(letter: Letter) -> str:
    return re.sub(r"[^A-Za-z0-9@._-]+", "_", f"{letter.scope}_{letter.email}") + ".eml"


def deliver_to_outbox(
    letters: list[Letter], period: Period, reference: Reference, outbox: Path, sender: str = DEFAULT_SENDER
) -> list[dict]:
    """Write each letter as an .eml file; a letter already in the outbox (same Message-ID) is not rewritten."""
    records = []
    for letter in letters:
        path = outbox / _outbox_name(letter)
        message_id = letter.message_id(period)
        record = {
            "period": str(period),
            "bulletin": [p.name for p in letter.attachments],
            "recipient": letter.email,
            "scope": letter.scope,
            "sha256": letter.digest,
            "message_id": message_id,
            "channel": "outbox",
            "path": path.name,
            "time": now_utc(),
        }
        if path.exists() and message_id in path.read_text(encoding="utf-8", errors="replace"):
            records.append({**record, "status": "already_sent"})
            continue
        try:
            write_atomic(path, compose(letter, period, reference, sender).as_bytes())
            records.append({**record, "status": "sent"})
        except OSError as error:
            records.append({**record, "status": "failed", "error": str(error)})
    return records
