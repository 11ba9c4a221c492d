"""Delivery rounds (SPEC §7-8): the new editions entered in the ledger, then every unsent one
sent, with at most one extra copy of a message, ever (attempts recorded in doubt before DATA).
"""

from __future__ import annotations

import hashlib
import json
import smtplib
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr

from nashra.periods import TIMEZONE, Period
from nashra.settings import DEFAULT_SENDER
from tasks.delivery.ledger import (
    BULLETIN_KINDS,
    FAILED,
    HELD,
    IN_DOUBT,
    PENDING,
    REFUSED,
    SENT,
    UNCONFIRMED,
    Entry,
    Ledger,
)
from tasks.delivery.letters import Letter, what_changed
from tasks.delivery.transport import NotSent, Refused, ServerUnreachable
from tasks.files import now_utc

SUBTYPES = {".pdf": ("application", "pdf"), ".csv": ("text", "csv"), ".txt": ("text", "plain")}
CORRECTED = "نسخة مصححة / Édition corrigée"
RETRY_DELAYS = (0.5, 2.0)  # seconds before the 2nd and 3rd attempt at one recipient


def record_letters(letters: list[Letter], period: Period, ledger: Ledger, *, hold: bool = False) -> list[Entry]:
    """Enter the letters whose edition is new into the ledger, pending (or held); returns those."""
    added = []
    for letter in letters:
        key = (str(period), letter.kind, letter.email)
        if ledger.find(*key, letter.edition_key) is not None:
            continue  # this edition is known: sent already, or still to send
        last = ledger.last_sent(*key)
        subject, body, edition = letter.subject, letter.body, 1
        if last is not None:
            edition = last.edition + 1
            moved = what_changed(json.loads(last.snapshot), letter.snapshot)
            subject = f"{CORRECTED} — {subject}"
            body = (
                f"{CORRECTED} {edition}\nتغيرت الأرقام التالية / Les chiffres suivants ont changé :\n"
                + "\n".join(f"  - {line}" for line in moved)
                + "\n\n"
                + body
            )
        digest = hashlib.sha256(f"{period}|{letter.kind}|{letter.email.lower()}|{letter.edition_key}".encode())
        now = now_utc()
        entry = Entry(
            period=str(period),
            kind=letter.kind,
            scope=letter.scope,
            recipient=letter.email,
            name=letter.name,
            edition_key=letter.edition_key,
            edition=edition,
            bulletin=json.dumps([p.name for p in letter.attachments], ensure_ascii=False),
            sha256=letter.sha256,
            snapshot=json.dumps(letter.snapshot, sort_keys=True, ensure_ascii=False),
            subject=subject,
            body=body,
            html=letter.html,
            reply_to=letter.reply_to,
            attachments=json.dumps([str(p) for p in letter.attachments]),
            status=HELD if hold else PENDING,
            attempts=0,
            last_error=None,
            note=None,
            message_id=f"<{digest.hexdigest()[:32]}@nashra.aref-fm>",
            channel=None,
            created_at=now,
            updated_at=now,
        )
        ledger.add(entry)
        added.append(entry)
    return added


def compose(entry: Entry, sender: str, budget: int) -> tuple[EmailMessage, str | None]:
    """The message of a ledger entry; attachments over the size budget are left out and named."""
    message = EmailMessage()
    message["Subject"] = entry.subject
    message["From"] = sender
    message["To"] = formataddr((entry.name, entry.recipient))
    message["Date"] = format_datetime(datetime.now(TIMEZONE))  # the academy's time, with its offset
    message["Message-ID"] = entry.message_id
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no auto-reply loops
    if entry.reply_to:
        message["Reply-To"] = entry.reply_to
    message["X-Nashra-Period"] = entry.period
    message["X-Nashra-Kind"] = entry.kind
    message["X-Nashra-Edition"] = str(entry.edition)
    paths, left_out, total = entry.paths, [], 0
    for path in sorted(paths, key=lambda p: p.stat().st_size):
        size = path.stat().st_size * 4 // 3 + 1024  # base64 and headers
        if total + size > budget:
            left_out.append(path)
        else:
            total += size
    body = entry.body
    if left_out:
        body += (
            "\n"
            + "\n".join(
                f"[!] {p.name} : trop volumineux pour ce message, disponible sur le serveur du "
                f"centre : {p} / ملف كبير الحجم، متوفر لدى المركز"
                for p in left_out
            )
            + "\n"
        )
    message.set_content(body)
    if entry.html:
        message.add_alternative(entry.html, subtype="html")
    for path in paths:
        if path in left_out:
            continue
        maintype, subtype = SUBTYPES.get(path.suffix.lower(), ("application", "octet-stream"))
        if maintype == "text":
            message.add_attachment(path.read_text(encoding="utf-8"), subtype=subtype, filename=path.name)
        else:
            message.add_attachment(path.read_bytes(), maintype=maintype, subtype=subtype, filename=path.name)
    note = f"sent without {', '.join(p.name for p in left_out)} (over {budget} bytes)" if left_out else None
    return message, note


def deliver_round(
    period: Period,
    ledger: Ledger,
    transport=None,
    letters: Sequence[Letter] = (),
    *,
    sender: str = DEFAULT_SENDER,
    budget: int = 8 * 1024 * 1024,
    delays: tuple[float, ...] = RETRY_DELAYS,
    hold: bool = False,
    kinds: tuple[str, ...] = BULLETIN_KINDS,
) -> list[Entry]:
    """Under the ledger's lock: enter the new editions (held, with `hold`), then (with a
    transport) send every unsent one of these `kinds`. Without a transport the editions stay
    pending, for `nashra deliver` to send when asked."""
    with ledger.locked():
        record_letters(list(letters), period, ledger, hold=hold)
        if transport is None:
            return []
        with transport:
            return _send_unsent(period, ledger, transport, sender=sender, budget=budget, delays=delays, kinds=kinds)


@dataclass(frozen=True)
class Outcome:
    """What one edition's attempts in a round came to."""

    status: str
    attempts: int
    error: str | None = None
    note: str | None = None
    stops_round: bool = False  # the server itself is at fault: nobody else is tried this round


def _send_unsent(period: Period, ledger: Ledger, transport, *, sender: str, budget: int, delays, kinds) -> list[Entry]:
    """Send every unsent edition of `period` of these kinds; a server at fault ends the round for the rest."""
    tried, stopped = [], None
    for entry in ledger.unsent(str(period), kinds):
        if stopped:
            outcome = Outcome(entry.status if entry.status == IN_DOUBT else FAILED, 0, f"not tried: {stopped}")
        else:
            outcome = _send_one(entry, transport, ledger, sender=sender, budget=budget, delays=delays)
            stopped = outcome.error if outcome.stops_round else None
        ledger.update(
            entry,
            status=outcome.status,
            attempts=entry.attempts + outcome.attempts,
            last_error=outcome.error,
            note=outcome.note,
            channel=transport.channel,
        )
        tried.append(entry)
    return tried


def _send_one(entry: Entry, transport, ledger: Ledger, *, sender: str, budget: int, delays) -> Outcome:
    """One edition, with pauses between attempts for a failure that is surely not a delivery.
    The attempt is recorded as in doubt before DATA; an unanswered DATA is not retried now."""
    was_in_doubt = entry.status == IN_DOUBT
    doubtful = UNCONFIRMED if was_in_doubt else IN_DOUBT  # in doubt twice: never sent again by itself
    not_sent = IN_DOUBT if was_in_doubt else FAILED
    error = None
    for attempt, delay in enumerate((0.0, *delays), start=1):
        time.sleep(delay)
        started: list[bool] = []

        def before_data(attempt=attempt, started=started) -> None:
            started.append(True)
            ledger.update(entry, status=doubtful, attempts=entry.attempts + attempt, channel=transport.channel)

        try:
            message, note = compose(entry, sender, budget)
            transport.send(message, f"{entry.kind}_{entry.scope}_{entry.recipient}", before_data)
            return Outcome(SENT, attempt, note=note)
        except Refused as failure:
            return Outcome(REFUSED, attempt, f"refused: {failure}")
        except ServerUnreachable as failure:
            return Outcome(doubtful if started else not_sent, attempt, f"{failure}", stops_round=True)
        except NotSent as failure:
            return Outcome(not_sent, attempt, f"not written: {failure.strerror}", stops_round=True)
        except (smtplib.SMTPResponseException, smtplib.SMTPRecipientsRefused) as failure:
            error = f"{type(failure).__name__}: {failure}"  # answered: surely not delivered, try again
        except Exception as failure:
            error = f"{type(failure).__name__}: {failure}"
            if started:  # the message left and no answer came back: in doubt until a later round
                return Outcome(doubtful, attempt, error)
    return Outcome(not_sent, attempt, error)


def delivery_records(ledger: Ledger, period: Period) -> list[dict]:
    """The manifest's `deliveries`: every edition of the period with its status."""
    return [
        {
            "period": e.period,
            "kind": e.kind,
            "bulletin": json.loads(e.bulletin),
            "recipient": e.recipient,
            "scope": e.scope,
            "sha256": e.sha256,
            "edition": e.edition,
            "edition_key": e.edition_key,
            "status": e.status,
            "attempts": e.attempts,
            "error": e.last_error,
            "note": e.note,
            "message_id": e.message_id,
            "channel": e.channel,
            "time": e.updated_at,
        }
        for e in ledger.entries(str(period))
    ]


def round_counts(letters: list[Letter], tried: list[Entry], ledger: Ledger, period: Period) -> dict[str, int]:
    """What a delivery round did, by the ledger's status of each letter after it: `sent` (now),
    `already_sent` (an earlier round), and otherwise the status it is left in."""
    status = {(e.kind, e.recipient, e.edition_key): e.status for e in ledger.entries(str(period))}
    now = {(e.kind, e.recipient, e.edition_key) for e in tried}
    counts: dict[str, int] = {}
    for letter in letters:
        key = (letter.kind, letter.email, letter.edition_key)
        word = status.get(key, PENDING)
        if word == SENT and key not in now:
            word = "already_sent"
        counts[word] = counts.get(word, 0) + 1
    for key in now - {(x.kind, x.email, x.edition_key) for x in letters}:  # earlier editions sent in this round
        counts[status[key]] = counts.get(status[key], 0) + 1
    return counts
