"""The weekly flow: raw drops -> validated figures -> ranking -> outputs -> bulletins -> delivery.

Wiring only, the stages in SPEC's order: scan, read, evaluate, outputs and bulletins, letters,
deliver, record. The stages are Prefect tasks of `flows/stages.py` around plain functions of
`tasks/`; the reading, and what starts early in which process, is `flows/reading.py`; the run's
summary and artifacts are in `flows/summary.py`. Everything that can refuse
the run (period, channel, settings, reference data, ledger) does so before a file is written.
"""

from __future__ import annotations

from typing import Literal

from prefect import flow
from prefect.runtime import flow_run
from prefect.states import State

from flows import reading, stages
from flows.runner import task_runner
from flows.summary import RunSummary, conclude, run_name
from nashra.paths import RunPaths
from nashra.request import RunRequest
from tasks.bulletins.context import RunView
from tasks.intake.unused import unused_lines

Channel = Literal["auto", "outbox", "smtp", "none"]


@flow(name="weekly-bulletins", flow_run_name=run_name("weekly"), task_runner=task_runner())
def weekly_bulletins(
    period: str | None = None,
    raw_dir: str | None = None,
    reference_dir: str | None = None,
    out_dir: str | None = None,
    state_dir: str | None = None,
    deliver: Channel = "auto",
) -> RunSummary | State:
    """Bulletins of one ISO week (default: the week that has just ended).

    Args:
        period: ISO week such as 2026-W47; empty for the week before the scheduled time.
        raw_dir: folder of the weekly drops (default data/raw).
        reference_dir: folder of the reference data (default data/reference).
        out_dir: folder of the reports (default data/reports).
        state_dir: folder of the delivery ledger and caches (default data/state).
        deliver: outbox, smtp, none, or auto (the week just ended is delivered by NASHRA_DELIVERY, a past one is not).
    """
    paths = RunPaths.with_defaults(raw_dir, reference_dir, out_dir, state_dir)
    request = RunRequest.parse(period, paths, deliver, flow_run.scheduled_start_time)
    reference, resources = stages.preflight(request)
    folders = stages.scan(request, reference)
    week = reading.read_week(request, reference, folders)
    current, ranking = stages.evaluate(request, reference, week.directorates, week.earlier)
    register = stages.record_submissions(request, week.directorates, folders[0])
    view = RunView.of(reference, current, ranking, history=week.earlier, register=register, raw_dir=paths.raw_dir)
    written, bulletins, failed = stages.outputs_and_bulletins(request, view, week.directorates)
    unused = unused_lines(folders[0].ignored, view.data_status, str(request.period))
    planned = stages.letters(request, view, bulletins, unused)
    held = not folders[0].drops  # not one file arrived for the period (SPEC §8)
    sent = stages.deliver(request, resources, planned, held)
    errors = week.errors + failed + stages.record_history(request, resources, view)
    records = stages.write_manifest(
        request, view, folders[0], written=written, bulletins=bulletins, ledger=sent[1], errors=errors
    )
    return conclude(
        request, view, planned, sent, records=records, bulletins=bulletins, errors=errors, held=held, unused=unused
    )
