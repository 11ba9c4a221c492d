"""One weekly run, stage by stage, with the project's own functions (what the flow wires), timed."""

from __future__ import annotations

import time
from contextlib import ExitStack, contextmanager
from pathlib import Path
from unittest.mock import patch

from flows.workers import run_all, worker_pool
from nashra.paths import RunPaths
from nashra.periods import Period
from nashra.reference import REGION, load_reference
from tasks.bulletins.context import RunView
from tasks.bulletins.pages import bulletin_html, render_bulletins
from tasks.delivery.ledger import Ledger
from tasks.delivery.letters import plan_letters
from tasks.delivery.rounds import deliver_round
from tasks.delivery.transport import OutboxTransport
from tasks.evaluation import quality
from tasks.evaluation.history import earlier_periods, earlier_table
from tasks.evaluation.period import assemble_period
from tasks.evaluation.ranking import ranking_frame
from tasks.intake import ingest
from tasks.intake.discover import folders_up_to, scan_folders
from tasks.intake.ingest import DirectorateData
from tasks.intake.validate import rule_context
from tasks.outputs.manifest import input_records, inputs_fingerprint
from tasks.outputs.tables import write_tables

WALL = (  # the stages of a run, one after the other: their sum is the run
    "earlier periods",
    "read + row contracts",
    "figures",
    "cross-checks + GX",
    "write outputs",
    "render",
    "deliver (outbox)",
)
IN_WORKERS = ("read/parse", "row contracts")  # seconds summed over the worker processes


class Clock:
    """Seconds per stage, added up over every entry into the stage."""

    def __init__(self):
        self.stages: dict[str, float] = {}

    @contextmanager
    def stage(self, name: str):
        started = time.perf_counter()
        try:
            yield
        finally:
            self.add({name: time.perf_counter() - started})

    def add(self, stages: dict[str, float]) -> None:
        for name, seconds in stages.items():
            self.stages[name] = self.stages.get(name, 0.0) + seconds

    @contextmanager
    def inside(self, name: str, module, *functions: str):
        """Count every call of `module.<function>` as stage `name`; the project's code runs unchanged."""

        def timed(function):
            def wrapper(*args, **kwargs):
                with self.stage(name):
                    return function(*args, **kwargs)

            return wrapper

        with ExitStack() as stack:
            for function in functions:
                stack.enter_context(patch.object(module, function, timed(getattr(module, function))))
            yield


def timed_directorate(code: str, folders, ctx) -> tuple[DirectorateData, dict[str, float]]:
    """`load_directorate` in a worker, with the seconds spent reading and in the row contracts."""
    clock = Clock()
    with clock.inside("read/parse", ingest, "read_table"), clock.inside("row contracts", ingest, "validate_table"):
        return ingest.load_directorate(code, folders, ctx), clock.stages


def weekly_run(root: Path, out: Path, period: Period, warm_history: bool) -> dict[str, float]:
    """The run of `period` on `root/raw` and `root/reference`; returns seconds per stage."""
    clock = Clock()
    paths = RunPaths(root / "raw", root / "reference", out, out / "state")
    reference = load_reference(paths.reference_dir)
    folders = scan_folders(paths.raw_dir, period, reference.codes)
    own = folders_up_to(folders, period)
    ctx = rule_context(reference, period)
    if warm_history:  # a weekly run finds last week's tables in data/state
        for earlier in earlier_periods(period, reference.start_date):
            earlier_table(paths.raw_dir, reference, paths.reference_dir, earlier, folders, paths.state_dir)
    with clock.stage("earlier periods"):
        history = {
            q: earlier_table(paths.raw_dir, reference, paths.reference_dir, q, folders, paths.state_dir)
            for q in earlier_periods(period, reference.start_date)
        }
    with worker_pool() as pool:  # as in the flow: one pool for reading, checking and layout
        with clock.stage("read + row contracts"):
            loaded = run_all(pool, timed_directorate, [(code, own, ctx) for code in reference.codes])
        directorates = {}
        for code, (data, spent) in zip(reference.codes, loaded, strict=True):
            directorates[code] = data
            clock.add(spent)
        checks = ("period_facts", "trend_facts", "assess")
        with clock.stage("figures"), clock.inside("cross-checks + GX", quality, *checks):
            current = assemble_period(directorates, reference, period, history, out / "validation")
            ranking = ranking_frame(current.table, history[period.previous()], reference, str(period))
        clock.stages["figures"] -= clock.stages["cross-checks + GX"]  # figures and ranking: the rest of it
        with clock.stage("write outputs"):
            write_tables(out / str(period), ranking, list(directorates.values()))
        inputs = input_records(current, paths.raw_dir)
        view = RunView(
            reference,
            current,
            ranking,
            [*sorted(history.items()), (period, current.table)],
            current.findings,
            inputs,
            inputs_fingerprint(inputs),
            "bench",
        )
        html = bulletin_html(view, reference.codes[0])  # the floor renders this one, once per bulletin
        (out / str(period) / "floor.html").write_text(html, encoding="utf-8")
        with clock.stage("render"):
            bulletins, failed = render_bulletins(
                view, [REGION, *reference.codes], out / str(period) / "bulletins", pool
            )
    assert not failed, failed
    with clock.stage("deliver (outbox)"):
        letters = plan_letters(reference, bulletins, period, ranking)
        deliver_round(period, Ledger(out / "state" / "deliveries.sqlite"), OutboxTransport(out / "outbox"), letters)
    clock.stages["bulletins"] = len(bulletins)
    return clock.stages
