"""Delivery (SPEC §7): who receives what, the bilingual messages, and the outbox.

A director receives the directorate's bulletin and the regional one; regional recipients
receive the regional bulletin; a directorate whose files had rows set aside or were rejected
also receives a receipt (`tasks/receipts.py`). Message-IDs derive from the period, the kind of
message, the recipient and the attachments' sha256, so the same message is never written
twice for the same recipient.
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
SUBTYPES = {".pdf": ("application", "pdf"), ".csv": ("text", "csv"), ".txt": ("text", "plain")}


@dataclass(frozen=True)
class Letter:
    """One message to one recipient: its words and its attachments."""

    kind: str  # bulletin | receipt
    scope: str  # REGION or a directorate code
    name: str
    email: str
    subject: str
    body: str
    attachments: tuple[Path, ...]

    @property
    def digest(self) -> str:
        """sha256 over the attachments: what makes two editions of a message different."""
        parts = b"".join(hashlib.sha256(p.read_bytes()).digest() for p in self.attachments)
        return hashlib.sha256(parts + self.body.encode()).hexdigest()

    def message_id(self, period: Period) -> str:
        key = f"{period}|{self.kind}|{self.email.lower()}|{self.digest}".encode()
        return f"<{hashlib.sha256(key).hexdigest()[:32]}@nashra.aref-fm>"


def recipients(reference: Reference, scope: str) -> list[tuple[str, str]]:
    rows = reference.recipients[reference.recipients["scope"] == scope]
    return list(zip(rows["name"], rows["email"], strict=True))


def place_names(reference: Reference, scope: str) -> tuple[str, str]:
    if scope == REGION:
        return "الجهة", "Région"
    names = reference.directorates.loc[scope]
    return f"المديرية الإقليمية {names['name_ar']}", f"Direction provinciale {names['name_fr']}"


def plan_letters(reference: Reference, bulletins: dict[str, Path], period: Period) -> list[Letter]:
    """One bulletin letter per recipient of `recipients.csv` whose bulletins exist."""
    letters = []
    for scope, name, email in reference.recipients[["scope", "name", "email"]].itertuples(index=False):
        wanted = (bulletins.get(scope), bulletins.get(REGION)) if scope != REGION else (bulletins.get(REGION),)
        attachments = tuple(p for p in wanted if p is not None)
        if not attachments:
            continue
        where_ar, where_fr = place_names(reference, scope)
        as_of = period.as_of.strftime("%d/%m/%Y")
        body = (
            f"السلام عليكم،\n\nتجدون رفقته النشرة الأسبوعية للتكوينات الإشهادية MOS ({where_ar})، "
            f"الأسبوع {period}، الوضعية إلى غاية {as_of}.\n\n"
            f"Bonjour,\n\nVeuillez trouver ci-joint le bulletin hebdomadaire des formations certifiantes MOS "
            f"({where_fr}), semaine {period}, situation arrêtée au {as_of}.\n\n"
            f"Pièces jointes : {', '.join(p.name for p in attachments)}\n\n"
            f"— {reference.programme.get('center_ar', '')} / {reference.programme.get('center_fr', '')}\n"
        )
        subject = f"نشرة التكوينات الإشهادية MOS — {period} | Bulletin MOS {period} — {where_fr}"
        letters.append(Letter("bulletin", scope, name, email, subject, body, attachments))
    return letters


def compose(letter: Letter, period: Period, sender: str) -> EmailMessage:
    """The message with its attachments."""
    message = EmailMessage()
    message["Subject"] = letter.subject
    message["From"] = sender
    message["To"] = formataddr((letter.name, letter.email))
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = letter.message_id(period)
    message["X-Nashra-Period"] = str(period)
    message["X-Nashra-Kind"] = letter.kind
    message.set_content(letter.body)
    for path in letter.attachments:
        maintype, subtype = SUBTYPES.get(path.suffix.lower(), ("application", "octet-stream"))
        data = path.read_bytes()
        if maintype == "text":
            message.add_attachment(data.decode("utf-8"), subtype=subtype, filename=path.name)
        else:
            message.add_attachment(data, maintype=maintype, subtype=subtype, filename=path.name)
    return message


def _outbox_name(letter: Letter) -> str:
    return re.sub(r"[^A-Za-z0-9@._-]+", "_", f"{letter.kind}_{letter.scope}_{letter.email}") + ".eml"


def deliver_to_outbox(letters: list[Letter], period: Period, outbox: Path, sender: str = DEFAULT_SENDER) -> list[dict]:
    """Write each letter as an .eml file; a letter already in the outbox (same Message-ID) is not rewritten."""
    records = []
    for letter in letters:
        path = outbox / _outbox_name(letter)
        message_id = letter.message_id(period)
        record = {
            "period": str(period),
            "kind": letter.kind,
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
            write_atomic(path, compose(letter, period, sender).as_bytes())
            records.append({**record, "status": "sent"})
        except OSError as error:
            records.append({**record, "status": "failed", "error": str(error)})
    return records
