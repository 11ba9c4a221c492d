"""One weekly run, stage by stage, with the project's own functions (what the flow wires), timed."""

from __future__ import annotations

import time
from contextlib import contextmanager
from pathlib import Path
from unittest.mock import patch

from nashra.paths import RunPaths
from nashra.periods import Period
from nashra.reference import load_reference
from tasks import ingest, quality
from tasks.bulletin_context import RunView
from tasks.bulletins import bulletin_html, render_bulletins
from tasks.deliver import REGION, deliver_round, plan_letters
from tasks.evaluate import (
    PeriodResult,
    combined_rows,
    folders_up_to,
    period_table,
    rule_context,
    scan_folders,
    with_pass_flag,
)
from tasks.history import earlier_periods, earlier_table
from tasks.ingest import DirectorateData
from tasks.ledger import Ledger
from tasks.manifest import input_records
from tasks.outputs import inputs_fingerprint, ranking_frame, write_tables
from tasks.ranking import rank
from tasks.transport import OutboxTransport
from tasks.workers import run_all, worker_pool

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


def timed_directorate(code: str, folders, ctx) -> tuple[DirectorateData, dict[str, float]]:
    """`load_directorate` in a worker, with the seconds spent reading and in the row contracts."""
    spent = dict.fromkeys(IN_WORKERS, 0.0)

    def timed(name, fn):
        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                spent[name] += time.perf_counter() - started

        return wrapper

    with (
        patch.object(ingest, "read_table", timed("read/parse", ingest.read_table)),
        patch.object(ingest, "validate_table", timed("row contracts", ingest.validate_table)),
    ):
        return ingest.load_directorate(code, folders, ctx), spent


class Clock:
    def __init__(self):
        self.stages: dict[str, float] = {}

    @contextmanager
    def stage(self, name: str):
        started = time.perf_counter()
        try:
            yield
        finally:
            self.stages[name] = self.stages.get(name, 0.0) + time.perf_counter() - started


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
            for name, seconds in spent.items():
                clock.stages[name] = clock.stages.get(name, 0.0) + seconds
        with clock.stage("figures"):
            table = period_table(directorates, reference, period)
            present = list(directorates.values())
            passing = reference.exams["passing_score"].astype(int).to_dict()
            exams = with_pass_flag(combined_rows(present, "exam_results"), passing)
            ledger_rows = combined_rows(present, "voucher_ledger")
        with clock.stage("cross-checks + GX"):
            facts, counted = quality.period_facts(present, table, exams, ledger_rows)
            trend, w5 = quality.trend_facts(table, history, period)
            findings = quality.assess(facts.join(trend), counted + w5, table, "bench", True, out / "validation")
        with clock.stage("figures"):
            table.insert(2, "provisional", None)
            table.insert(2, "rank", rank(table).reindex(table.index))
            current = PeriodResult(period, directorates, table, findings)
            ranking = ranking_frame(table, history[period.previous()], reference, str(period))
        with clock.stage("write outputs"):
            write_tables(out / str(period), ranking, present)
        inputs = input_records(current, paths.raw_dir)
        view = RunView(
            reference,
            current,
            ranking,
            [*sorted(history.items()), (period, table)],
            findings,
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
