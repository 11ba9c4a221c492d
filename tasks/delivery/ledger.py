"""The delivery ledger (SPEC §7-8): one SQLite row per (period, kind, recipient, edition).

An edition is what the recipient acts on (the snapshot of its figures): the same edition is
never sent twice; a new edition of an already-sent period is a corrected one; an unsent edition
stays pending across runs until it is sent. A lock file keeps two runs of one ledger from
sending at the same time.

Statuses: `pending` / `failed` (to send), `held` (a week where nothing arrived: sent only when
released), `in_doubt` (DATA went out unanswered: sent once more, in a later round),
`unconfirmed` (in doubt twice: never sent again by itself), `refused` (a permanent 5xx: sent
again only when asked), `sent`, `superseded` (a newer edition replaced it before it went).
"""

from __future__ import annotations

import fcntl
import json
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tasks.files import now_utc

SCHEMA = """
CREATE TABLE IF NOT EXISTS deliveries (
    period TEXT NOT NULL, kind TEXT NOT NULL, scope TEXT NOT NULL, recipient TEXT NOT NULL,
    name TEXT NOT NULL, edition_key TEXT NOT NULL, edition INTEGER NOT NULL,
    bulletin TEXT NOT NULL, sha256 TEXT NOT NULL, snapshot TEXT NOT NULL,
    subject TEXT NOT NULL, body TEXT NOT NULL, attachments TEXT NOT NULL,
    status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT, note TEXT,
    message_id TEXT NOT NULL, channel TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
    html TEXT NOT NULL DEFAULT '', reply_to TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (period, kind, recipient, edition_key)
)
"""
# Columns added since the first ledgers: (name, declaration), added to an older ledger on opening.
ADDED_COLUMNS = (("html", "TEXT NOT NULL DEFAULT ''"), ("reply_to", "TEXT NOT NULL DEFAULT ''"))
PENDING, FAILED, HELD, IN_DOUBT, UNCONFIRMED, REFUSED, SENT, SUPERSEDED = (
    "pending",
    "failed",
    "held",
    "in_doubt",
    "unconfirmed",
    "refused",
    "sent",
    "superseded",
)
UNSENT = (PENDING, FAILED, IN_DOUBT)  # what a delivery round sends
WAITING = (PENDING, FAILED, HELD, REFUSED)  # replaced by a newer edition before going out
UNDELIVERED = (*UNSENT, HELD, UNCONFIRMED, REFUSED)  # left behind by a run asked to deliver: exit 1
BULLETIN_KINDS = ("bulletin", "receipt")  # what the weekly run (and `nashra deliver`) sends
REMINDER = "reminder"  # sent by the reminders' runs only, before the bulletins (issue 14)


class LedgerError(ValueError):
    """The ledger cannot be trusted (unreadable, or lost while manifests record deliveries)."""


@dataclass
class Entry:
    period: str
    kind: str
    scope: str
    recipient: str
    name: str
    edition_key: str
    edition: int
    bulletin: str
    sha256: str
    snapshot: str
    subject: str
    body: str
    attachments: str
    status: str
    attempts: int
    last_error: str | None
    note: str | None
    message_id: str
    channel: str | None
    created_at: str
    updated_at: str
    html: str = ""  # the HTML alternative (bulletins), empty for text-only messages
    reply_to: str = ""

    @property
    def paths(self) -> list[Path]:
        return [Path(p) for p in json.loads(self.attachments)]


class Ledger:
    def __init__(self, path: Path, *, read_only: bool = False):
        """The ledger at `path`, created if needed; `read_only` opens an existing one for reading
        only (a dry run writes nothing)."""
        self.path, self.read_only = Path(path), read_only
        if read_only:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.execute(SCHEMA)
            present = {row["name"] for row in db.execute("PRAGMA table_info(deliveries)")}
            for name, declaration in ADDED_COLUMNS:
                if name not in present:  # a ledger written before this column existed
                    db.execute(f"ALTER TABLE deliveries ADD COLUMN {name} {declaration}")

    def _connect(self) -> sqlite3.Connection:
        target = f"{self.path.resolve().as_uri()}?mode=ro" if self.read_only else str(self.path)
        db = sqlite3.connect(target, timeout=60, isolation_level=None, uri=self.read_only)
        db.row_factory = sqlite3.Row
        return db

    @contextmanager
    def locked(self):
        """Hold the ledger for one delivery round: a concurrent run waits, then finds the rows sent."""
        with open(self.path.with_suffix(".lock"), "w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield self
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _rows(self, sql: str, *args) -> list[Entry]:
        with self._connect() as db:
            return [Entry(**dict(row)) for row in db.execute(sql, args).fetchall()]

    def find(self, period: str, kind: str, recipient: str, edition_key: str) -> Entry | None:
        rows = self._rows(
            "SELECT * FROM deliveries WHERE period=? AND kind=? AND recipient=? AND edition_key=?",
            period,
            kind,
            recipient,
            edition_key,
        )
        return rows[0] if rows else None

    def last_sent(self, period: str, kind: str, recipient: str) -> Entry | None:
        rows = self._rows(
            "SELECT * FROM deliveries WHERE period=? AND kind=? AND recipient=? AND status='sent' "
            "ORDER BY edition DESC LIMIT 1",
            period,
            kind,
            recipient,
        )
        return rows[0] if rows else None

    def add(self, entry: Entry) -> None:
        """A new edition to send; older unsent editions for the same recipient are superseded."""
        with self._connect() as db:
            db.execute("BEGIN IMMEDIATE")
            db.execute(
                f"UPDATE deliveries SET status='{SUPERSEDED}', updated_at=? WHERE period=? AND kind=? "
                f"AND recipient=? AND status IN ({', '.join('?' * len(WAITING))})",
                (now_utc(), entry.period, entry.kind, entry.recipient, *WAITING),
            )
            values = entry.__dict__
            db.execute(
                f"INSERT INTO deliveries ({', '.join(values)}) VALUES ({', '.join('?' * len(values))})",
                tuple(values.values()),
            )
            db.execute("COMMIT")

    def add_restored(self, entry: Entry) -> bool:
        """An entry rebuilt from a manifest. One already in the ledger is kept as it is, unless it
        waits to be sent while the manifest says it went (a ledger restored from an older backup):
        then it takes the manifest's status, so that it is not sent again."""
        values = entry.__dict__
        delivered = ", ".join(f"'{status}'" for status in (SENT, IN_DOUBT, UNCONFIRMED))
        with self._connect() as db:
            cursor = db.execute(
                f"INSERT INTO deliveries ({', '.join(values)}) VALUES ({', '.join('?' * len(values))}) "
                "ON CONFLICT (period, kind, recipient, edition_key) DO UPDATE SET status = excluded.status, "
                f"note = excluded.note, updated_at = excluded.updated_at WHERE status NOT IN ({delivered})",
                tuple(values.values()),
            )
            return cursor.rowcount == 1

    def with_status(self, period: str, statuses: tuple[str, ...]) -> list[Entry]:
        return self._rows(
            f"SELECT * FROM deliveries WHERE period=? AND status IN ({', '.join('?' * len(statuses))}) "
            "ORDER BY kind, scope, recipient",
            period,
            *statuses,
        )

    def unsent(self, period: str, kinds: tuple[str, ...] = BULLETIN_KINDS) -> list[Entry]:
        """What a delivery round of these kinds of message sends: a reminder is never sent by
        the bulletins' round, a bulletin never by the reminders'."""
        return [entry for entry in self.with_status(period, UNSENT) if entry.kind in kinds]

    def withdraw(self, period: str, kind: str, keep: set[str]) -> int:
        """Messages of `kind` still waiting for recipients not in `keep`, superseded: a reminder
        that failed to go out is not sent once its directorate's files are in."""
        gone = [e for e in self.with_status(period, WAITING) if e.kind == kind and e.recipient not in keep]
        for entry in gone:
            self.update(entry, status=SUPERSEDED, note="no longer needed")
        return len(gone)

    def move(self, period: str, before: str, after: str) -> int:
        """Every entry of `period` in status `before` now in `after` (release, retry refused)."""
        with self._connect() as db:
            cursor = db.execute(
                "UPDATE deliveries SET status=?, updated_at=? WHERE period=? AND status=?",
                (after, now_utc(), period, before),
            )
            return cursor.rowcount

    def entries(self, period: str | None = None) -> list[Entry]:
        if period is None:
            return self._rows("SELECT * FROM deliveries ORDER BY period, kind, scope, recipient, edition")
        return self._rows("SELECT * FROM deliveries WHERE period=? ORDER BY kind, scope, recipient, edition", period)

    def update(self, entry: Entry, **changes) -> None:
        changes["updated_at"] = now_utc()
        with self._connect() as db:
            db.execute(
                f"UPDATE deliveries SET {', '.join(f'{k}=?' for k in changes)} "
                "WHERE period=? AND kind=? AND recipient=? AND edition_key=?",
                (*changes.values(), entry.period, entry.kind, entry.recipient, entry.edition_key),
            )
