"""Trusting the delivery ledger before anything is written (SPEC §8).

A ledger that cannot be read stops a run at its start, in one line. A ledger that does not know
a message that a period's manifest records as sent — missing, empty, or restored from an older
backup — would make the next run send it again: delivery stops until `nashra ledger rebuild`
restores those records from the manifests.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from tasks.delivery.ledger import IN_DOUBT, SENT, UNCONFIRMED, Entry, Ledger, LedgerError

DELIVERED = (SENT, IN_DOUBT, UNCONFIRMED)  # a copy may have reached the recipient


def ledger_to_read(path: Path) -> Ledger | None:
    """The ledger opened read only, for a dry run (which writes nothing); None when nothing has
    been recorded yet."""
    return Ledger(path, read_only=True) if ledger_rows(path) else None


def ledger_rows(path: Path) -> int:
    """The number of deliveries recorded; 0 for a ledger not yet written. LedgerError when the
    file is not a readable ledger."""
    path = Path(path)
    if not path.is_file() or path.stat().st_size == 0:
        return 0
    try:
        with sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True) as db:
            (check,) = db.execute("PRAGMA quick_check").fetchone()
            if check != "ok":
                raise sqlite3.DatabaseError(check)
            tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            return db.execute("SELECT count(*) FROM deliveries").fetchone()[0] if "deliveries" in tables else 0
    except sqlite3.Error as error:
        raise LedgerError(
            f"{path} is not a readable delivery ledger ({error}): restore it from a backup, or move it "
            "aside and run `nashra ledger rebuild`"
        ) from None


def manifest_deliveries(out_dir: Path) -> dict[str, list[dict]]:
    """Per period, the deliveries its manifest records as (possibly) delivered."""
    found: dict[str, list[dict]] = {}
    for manifest in sorted(Path(out_dir).glob("*/manifest.json")):
        try:
            records = json.loads(manifest.read_text(encoding="utf-8")).get("deliveries") or []
        except (OSError, ValueError):
            continue  # an unreadable manifest proves nothing either way
        delivered = [r for r in records if isinstance(r, dict) and r.get("status") in DELIVERED]
        if delivered:
            found[manifest.parent.name] = delivered
    return found


def check_ledger(path: Path, out_dir: Path) -> None:
    """Raise LedgerError when the ledger is unreadable, lost, or does not know a message that a
    manifest records as sent (reconciled with every period's manifest)."""
    recorded = manifest_deliveries(out_dir)
    if not ledger_rows(path):
        if recorded:
            state = "missing" if not Path(path).exists() else "empty"
            raise LedgerError(
                f"the delivery ledger {path} is {state} but the manifests of {_shown(recorded)} record messages "
                "sent: run `nashra ledger rebuild` before anything is sent, or they would all be sent again"
            )
        return
    unknown = unknown_to_ledger(path, recorded)
    if unknown:
        count = sum(map(len, unknown.values()))
        raise LedgerError(
            f"the delivery ledger {path} does not know {count} message(s) that the manifests of {_shown(unknown)} "
            "record as sent (a ledger restored from an older backup?): run `nashra ledger rebuild` before "
            "anything is sent, or they would be sent again"
        )


def _shown(periods: dict) -> str:
    names = sorted(periods)
    return ", ".join(names[:3]) + (" …" if len(names) > 3 else "")


def unknown_to_ledger(path: Path, recorded: dict[str, list[dict]]) -> dict[str, list[dict]]:
    """Per period, the manifest's delivered records that the ledger has not as delivered (absent,
    or still waiting to be sent). A record without its edition key (older manifests) is not judged."""
    with sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True) as db:
        known = set(
            db.execute(
                "SELECT period, kind, recipient, edition_key FROM deliveries "
                f"WHERE status IN ({', '.join('?' * len(DELIVERED))})",
                DELIVERED,
            )
        )
    unknown = {}
    for period, records in recorded.items():
        missing = [
            r
            for r in records
            if r.get("edition_key")
            and (period, r.get("kind") or "bulletin", r["recipient"], r["edition_key"]) not in known
        ]
        if missing:
            unknown[period] = missing
    return unknown


def rebuild_ledger(path: Path, out_dir: Path) -> int:
    """Restore the delivered records of every manifest under `out_dir`; returns how many were added.
    A record in doubt is restored as unconfirmed, so that it is never sent again by itself."""
    ledger = Ledger(path)
    added = 0
    for period, records in manifest_deliveries(out_dir).items():
        for record in records:
            status = SENT if record["status"] == SENT else UNCONFIRMED
            when = record.get("time") or ""
            entry = Entry(
                period=period,
                kind=record.get("kind") or "bulletin",
                scope=record.get("scope") or "",
                recipient=record["recipient"],
                name="",
                edition_key=record.get("edition_key") or f"restored-{record.get('sha256', '')[:16]}",
                edition=int(record.get("edition") or 1),
                bulletin=json.dumps(record.get("bulletin") or [], ensure_ascii=False),
                sha256=record.get("sha256") or "",
                snapshot="{}",
                subject="",
                body="",
                attachments="[]",
                status=status,
                attempts=int(record.get("attempts") or 1),
                last_error=None,
                note=f"restored from {period}/manifest.json",
                message_id=record.get("message_id") or "",
                channel=record.get("channel"),
                created_at=when,
                updated_at=when,
            )
            added += ledger.add_restored(entry)
    return added
