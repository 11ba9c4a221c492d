"""Earlier periods' tables (figures, status, rank), for rank_change, W5 and the trends.

Re-evaluating a past period reads and checks every file again; its table is kept under
`data/state/periods/` keyed by everything that decides it (the drop files' sha256, the
reference files and the code of the rules), so next week's run reuses it and any change to
an input or a rule recomputes it.
"""

from __future__ import annotations

import hashlib
import io
from datetime import date
from functools import cache
from pathlib import Path

import pandas as pd

from nashra.paths import PROJECT_ROOT
from nashra.periods import Period
from nashra.reference import Reference
from tasks.digest import sha256_file
from tasks.discover import PeriodFolder
from tasks.evaluate import evaluate_period, folders_up_to
from tasks.outputs import write_atomic

TREND_WEEKS = 8


def earlier_periods(period: Period, start: date, weeks: int = TREND_WEEKS) -> list[Period]:
    """The periods before `period` that the trends show (from the programme start), and always the previous one."""
    periods = [q for q in period.recent(weeks)[:-1] if q.as_of >= start]
    return periods if period.previous() in periods else [*periods, period.previous()]


@cache
def rules_fingerprint() -> str:
    """A hash of the code that turns files into figures: a changed rule invalidates the cache."""
    digest = hashlib.sha256()
    for folder in ("schemas", "tasks", "nashra"):
        for path in sorted((PROJECT_ROOT / folder).glob("*.py")):
            digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


def period_key(folders: list[PeriodFolder], reference_dir: Path) -> str:
    digest = hashlib.sha256(rules_fingerprint().encode())
    for path in sorted(Path(reference_dir).glob("*.csv")):
        digest.update(path.name.encode() + path.read_bytes())
    for folder in folders:
        for (code, source), drop in sorted(folder.drops.items()):
            content = "refused" if drop.refusal else sha256_file(drop.path)
            digest.update(f"{folder.period}|{code}|{source}|{content}".encode())
    return digest.hexdigest()[:24]


def earlier_table(
    raw_dir: Path,
    reference: Reference,
    reference_dir: Path,
    period: Period,
    folders: list[PeriodFolder],
    state_dir: Path | None,
    pool=None,
    *,
    store: bool = True,
) -> pd.DataFrame:
    """The table of an earlier `period` as its own drops give it, from the cache when unchanged
    (else computed, in the `pool`'s processes if given, and kept in the cache unless not `store`)."""
    own = folders_up_to(folders, period)
    cached = Path(state_dir) / "periods" / f"{period}-{period_key(own, reference_dir)}.csv" if state_dir else None
    if cached is not None and cached.is_file():
        table = pd.read_csv(cached, index_col="code", dtype={"data_period": object, "data_status": object})
        table["rank"] = table["rank"].astype("Int64")
        return table
    table = evaluate_period(raw_dir, reference, period, folders, pool).table
    if cached is not None and store:
        for stale in cached.parent.glob(f"{period}-*.csv"):
            stale.unlink(missing_ok=True)
        buffer = io.StringIO()
        table.to_csv(buffer)
        write_atomic(cached, buffer.getvalue().encode("utf-8"))
    return table


def evaluate_with_history(paths, reference: Reference, period: Period, folders: list[PeriodFolder], *, store=True):
    """The run's period with its earlier periods, in one process (the flow does the same, mapped).
    Without `store`, earlier periods computed afresh are not cached (a dry run writes nothing)."""
    from tasks.evaluate import assemble_period, rule_context
    from tasks.ingest import load_directorates

    history = {
        q: earlier_table(paths.raw_dir, reference, paths.reference_dir, q, folders, paths.state_dir, store=store)
        for q in earlier_periods(period, reference.start_date)
    }
    ctx = rule_context(reference, period)
    directorates = load_directorates(reference.codes, folders_up_to(folders, period), ctx)
    return assemble_period(directorates, reference, period, history), history
