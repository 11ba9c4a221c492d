"""Earlier periods' tables (figures, status, rank), for rank_change, W5 and the trends.

Re-evaluating a past period reads and checks every file again; its table is kept under
`data/state/periods/` keyed by everything that decides it (the drop files' sha256, the
reference files and the code of the rules), so next week's run reuses it and any change to
an input or a rule recomputes it.
"""

from __future__ import annotations

import ast
import hashlib
import io
from datetime import date
from functools import cache
from pathlib import Path

import pandas as pd

from nashra.paths import PROJECT_ROOT, RunPaths
from nashra.periods import Period
from nashra.reference import Reference
from tasks.evaluation.expectations import Validator, validate_facts
from tasks.evaluation.period import assemble_period, evaluate_period
from tasks.files import sha256_file, write_atomic
from tasks.intake.discover import PeriodFolder, folders_up_to
from tasks.intake.ingest import Loader, WeekFiles

TREND_WEEKS = 8


def earlier_periods(period: Period, start: date, weeks: int = TREND_WEEKS) -> list[Period]:
    """The periods before `period` that the trends show (from the programme start), and always the previous one."""
    periods = [q for q in period.recent(weeks)[:-1] if q.as_of >= start]
    return periods if period.previous() in periods else [*periods, period.previous()]


RULE_ROOT = "tasks.evaluation.history"  # what computes a cached period's table
PROJECT_PACKAGES = ("nashra", "tasks", "schemas")


def rule_files(root: Path = PROJECT_ROOT) -> list[Path]:
    """Exactly the code that turns files into a period's table: this module and every module
    of the project it imports, directly or not, with their packages' `__init__` (issue 25: a
    help string of the command line or a word of a letter is not a rule)."""
    found: dict[str, Path] = {}
    todo = [RULE_ROOT]
    while todo:
        name = todo.pop()
        if name in found or not (path := _module_file(root, name)):
            continue
        found[name] = path
        todo += [".".join(name.split(".")[:depth]) for depth in range(1, name.count(".") + 1)]  # its packages
        todo += _project_imports(path)
    return sorted(found.values())


def _module_file(root: Path, name: str) -> Path | None:
    base = root.joinpath(*name.split("."))
    return next((p for p in (base.with_suffix(".py"), base / "__init__.py") if p.is_file()), None)


def _project_imports(path: Path) -> list[str]:
    """The project's modules `path` imports anywhere (inside functions too); for `from a import b`
    both `a.b` (a submodule) and `a`. The project writes its imports absolute (ruff's `I`)."""
    names = []
    for node in ast.walk(ast.parse(path.read_bytes())):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names += [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
    return [n for n in names if n.split(".")[0] in PROJECT_PACKAGES]


@cache
def rules_fingerprint(root: Path = PROJECT_ROOT) -> str:
    """A hash of the code that turns files into figures: a changed rule, in any module of any
    subpackage, invalidates the cache."""
    digest = hashlib.sha256()
    for path in rule_files(root):
        digest.update(str(path.relative_to(root)).encode() + path.read_bytes())
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


def is_cached(period: Period, folders: list[PeriodFolder], paths: RunPaths) -> bool:
    """Whether the table of an earlier `period` is cached for its drops, reference and rules as they are."""
    return _cache_path(period, folders, paths).is_file()


def cached_table(period: Period, folders: list[PeriodFolder], paths: RunPaths) -> pd.DataFrame | None:
    """The cached table of an earlier `period`, if its drops, the reference and the rules are unchanged."""
    path = _cache_path(period, folders, paths)
    if not path.is_file():
        return None
    table = pd.read_csv(path, index_col="code", dtype={"data_period": object, "data_status": object})
    table["rank"] = table["rank"].astype("Int64")
    return table


def store_table(period: Period, folders: list[PeriodFolder], paths: RunPaths, table: pd.DataFrame) -> None:
    """Keep the table of an earlier period for the next runs (replacing its stale versions)."""
    path = _cache_path(period, folders, paths)
    for stale in path.parent.glob(f"{period}-*.csv"):
        stale.unlink(missing_ok=True)
    buffer = io.StringIO()
    table.to_csv(buffer)
    write_atomic(path, buffer.getvalue().encode("utf-8"))


def _cache_path(period: Period, folders: list[PeriodFolder], paths: RunPaths) -> Path:
    own = folders_up_to(folders, period)
    return paths.period_tables / f"{period}-{period_key(own, paths.reference_dir)}.csv"


def earlier_table(
    period: Period,
    reference: Reference,
    folders: list[PeriodFolder],
    paths: RunPaths,
    *,
    store: bool = True,
    load: Loader = WeekFiles.read_all,
    validate: Validator = validate_facts,
) -> pd.DataFrame:
    """The table of an earlier `period` as its own drops give it: from the cache when unchanged,
    else computed, its directorates read by `load` (and cached unless not `store`: a dry run
    writes nothing)."""
    table = cached_table(period, folders, paths)
    if table is None:
        table = evaluate_period(reference, period, folders, load=load, validate=validate).table
        if store:
            store_table(period, folders, paths, table)
    return table


def evaluate_with_history(
    paths: RunPaths, reference: Reference, period: Period, folders: list[PeriodFolder], *, store=True
):
    """The run's period with its earlier periods, in this process, one after the other (the
    flow reads the directorates in its worker processes instead)."""
    history = {
        q: earlier_table(q, reference, folders, paths, store=store)
        for q in earlier_periods(period, reference.start_date)
    }
    directorates = WeekFiles.of(reference, period, folders).read_all(reference.codes)
    return assemble_period(directorates, reference, period, history=history), history
