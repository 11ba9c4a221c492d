"""The programme's history in a database (issue 14): every run of a period writes that period's
results — each directorate's row of rankings.csv, the submission register, the findings with
their severity, the run's fingerprint — so that "how has FES moved since September?" is one query.

SQLite in the state folder by default, PostgreSQL (or any SQLAlchemy URL) with
`NASHRA_DATABASE_URL` (nashra.settings.history_database_url). The schema is created and
versioned here (`SCHEMA_VERSION`, table `nashra_schema`); docs/history.md describes it. A
re-run of a period whose results changed keeps the previous version, marked superseded with its
time; one whose results are the same writes nothing. The `*_current` views hold the current
version of every period.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Engine,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    column,
    create_engine,
    func,
    insert,
    select,
    table,
    text,
    update,
)

from nashra.reference import NAME_LIMIT  # the reference check refuses longer names (SPEC §8)
from tasks.evaluation.figures import COUNTS, FIGURES
from tasks.outputs.tables import plain_records

SCHEMA_VERSION = 1
metadata = MetaData()

schema = Table("nashra_schema", metadata, Column("version", Integer, nullable=False), Column("applied_at", DateTime))
runs = Table(
    "runs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("academy", String(NAME_LIMIT), nullable=False),  # programme.csv's academy_fr: several can share a database
    Column("period", String(8), nullable=False),
    Column("written_at", DateTime(timezone=True), nullable=False),
    Column("superseded_at", DateTime(timezone=True)),  # NULL: the current version of the period
    Column("fingerprint", String(64), nullable=False),  # the edition printed on the bulletins
    Column("code_version", String(64), nullable=False),
    Column("content_sha256", String(64), nullable=False),
    Index(
        "one_current_version",
        "academy",
        "period",
        unique=True,
        sqlite_where=text("superseded_at IS NULL"),
        postgresql_where=text("superseded_at IS NULL"),
    ),
)


def _of_a_run() -> list[Column]:
    """The first columns of every table of results: the version (run) and the period it states."""
    return [
        Column("run_id", ForeignKey("runs.id", ondelete="CASCADE"), nullable=False, index=True),
        Column("period", String(8), nullable=False),
    ]


rankings = Table(
    "rankings",
    metadata,
    *_of_a_run(),
    Column("directorate_code", String(16), nullable=False),
    Column("rank", Integer),
    Column("rank_change", Integer),
    Column("name_fr", String(NAME_LIMIT)),
    Column("name_ar", String(NAME_LIMIT)),
    Column("data_status", String(16), nullable=False),
    Column("data_period", String(8)),
    Column("provisional", String(200)),  # the error codes that hold it unranked, NULL when ranked
    *[Column(name, Integer if name in COUNTS else Float) for name in FIGURES],
)
submissions = Table(
    "submissions",
    metadata,
    *_of_a_run(),
    Column("directorate", String(16), nullable=False),
    Column("source", String(32), nullable=False),
    Column("received", Boolean, nullable=False),
    Column("outcome", String(16), nullable=False),
    Column("used_period", String(8)),
    Column("sha256", String(64)),
    Column("replaced", Boolean, nullable=False),
)
findings = Table(
    "findings",
    metadata,
    *_of_a_run(),
    Column("directorate", String(16), nullable=False),
    Column("code", String(8), nullable=False),
    Column("severity", String(16), nullable=False),
    Column("count", Integer, nullable=False),
    Column("examples", Text),
)
CURRENT_VIEWS = {
    name: f"CREATE VIEW {name}_current AS SELECT t.*, r.academy, r.written_at, r.fingerprint "
    f"FROM {name} t JOIN runs r ON r.id = t.run_id WHERE r.superseded_at IS NULL"
    for name in ("rankings", "submissions", "findings")
}


class HistoryError(RuntimeError):
    """The history database cannot be used: unreachable, or its schema is not this version's."""


def connect(url: str) -> Engine:
    """An engine on the history database, its schema created or checked."""
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url)
    with engine.begin() as db:
        if not engine.dialect.has_table(db, "nashra_schema"):
            metadata.create_all(db)
            for statement in CURRENT_VIEWS.values():
                db.execute(text(statement))
            db.execute(insert(schema).values(version=SCHEMA_VERSION, applied_at=datetime.now(UTC)))
        version = db.execute(select(func.max(schema.c.version))).scalar()
    if version != SCHEMA_VERSION:
        engine.dispose()
        raise HistoryError(f"the history database has schema version {version}; this Nashra reads {SCHEMA_VERSION}")
    return engine


def record(url: str, period: str, rows: dict[str, list[dict]], *, academy: str, edition: dict) -> bool:
    """`record_period` on the database at `url`, connected for this write only."""
    engine = connect(url)
    try:
        return record_period(engine, period, rows, academy=academy, edition=edition)
    finally:
        engine.dispose()


def period_rows(ranking: pd.DataFrame, register: list[dict], found: list) -> dict[str, list[dict]]:
    """What a run states about its period, per table (without run id and period)."""
    figures = [c.name for c in rankings.columns if c.name not in ("run_id", "period")]
    ranked = plain_records(ranking.reindex(columns=figures))
    kept = [c.name for c in submissions.columns if c.name not in ("run_id", "period")]
    return {
        "rankings": ranked,
        "submissions": [{k: row.get(k) for k in kept} for row in register],
        "findings": [
            {
                "directorate": f.directorate,
                "code": f.code,
                "severity": f.severity,
                "count": f.count,
                "examples": json.dumps(list(f.examples), ensure_ascii=False),
            }
            for f in found
        ],
    }


def record_period(engine: Engine, period: str, rows: dict[str, list[dict]], *, academy: str, edition: dict) -> bool:
    """Write a period's rows as its current version, the previous one kept and marked superseded;
    nothing when they equal the current version. `edition`: fingerprint, code_version. True when
    written."""
    content = hashlib.sha256(json.dumps(rows, sort_keys=True, default=str).encode()).hexdigest()
    now = datetime.now(UTC)
    with engine.begin() as db:
        current = db.execute(
            select(runs.c.id, runs.c.content_sha256).where(
                runs.c.academy == academy, runs.c.period == period, runs.c.superseded_at.is_(None)
            )
        ).first()
        if current is not None and current.content_sha256 == content:
            return False
        if current is not None:
            db.execute(update(runs).where(runs.c.id == current.id).values(superseded_at=now))
        run_id = db.execute(
            insert(runs)
            .values(academy=academy, period=period, written_at=now, content_sha256=content, **edition)
            .returning(runs.c.id)
        ).scalar_one()
        for target in (rankings, submissions, findings):
            if rows[target.name]:
                db.execute(insert(target), [{**row, "run_id": run_id, "period": period} for row in rows[target.name]])
    return True


SERIES = ("period", "directorate_code", "rank", "score", "consumption_rate", "certification_rate", "target_progress")
SERIES_END = ("data_status", "provisional")


def read_history(
    engine: Engine,
    *,
    directorate: str | None = None,
    period: str | None = None,
    first: str | None = None,
    last: str | None = None,
) -> pd.DataFrame:
    """The current version of each period: one directorate's weeks (`first`..`last`, ISO weeks
    compare as text), or one week across directorates; ordered by period, then rank."""
    view = table("rankings_current", *[column(name) for name in (*SERIES, *SERIES_END, "academy")])
    query = select(*[view.c[name] for name in (*SERIES, *SERIES_END)])
    if directorate:
        query = query.where(view.c.directorate_code == directorate)
    if period:
        query = query.where(view.c.period == period)
    if first:
        query = query.where(view.c.period >= first)
    if last:
        query = query.where(view.c.period <= last)
    query = query.order_by(view.c.period, view.c.rank.is_(None), view.c.rank, view.c.directorate_code)
    with engine.connect() as db:
        return pd.DataFrame(db.execute(query).all(), columns=[*SERIES, *SERIES_END])
