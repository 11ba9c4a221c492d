"""The weekly flow: raw drops -> validated figures -> ranking -> outputs -> bulletins -> delivery.

Wiring only: the stages are Prefect tasks of `flows/stages.py` around plain functions of
`tasks/`; the run's summary and artifacts are in `flows/summary.py`. Everything that can refuse
the run (period, channel, settings, reference data, ledger) does so before a file is written.
"""

from __future__ import annotations

from typing import Literal

from prefect import flow
from prefect.runtime import flow_run
from prefect.states import State

from flows import reading, stages
from flows.memory import return_large_blocks
from flows.runner import load_checks_meanwhile, task_runner
from flows.summary import RunSummary, final_state, publish_summary, run_name, summarise
from nashra.paths import RunPaths
from nashra.request import RunRequest
from tasks.bulletins.context import RunView
from tasks.delivery.rounds import round_counts
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
    return_large_blocks()  # an earlier week's rows given back once it is evaluated
    paths = RunPaths.with_defaults(raw_dir, reference_dir, out_dir, state_dir)
    request = RunRequest.parse(period, paths, deliver, flow_run.scheduled_start_time)
    reference = stages.preflight(request)
    folders = stages.scan(request, reference)
    reads, earlier_reads = reading.start_reads(request, reference, folders)  # in the workers, all at once
    load_checks_meanwhile()  # Great Expectations imported here while the workers read
    read_earlier = reading.evaluate_read_earlier(request, reference, folders, earlier_reads)  # as they are read
    directorates, errors = reading.ingested(reads)
    earlier = reading.evaluate_earlier(request, reference, folders, read_earlier)
    current, ranking = stages.evaluate(request, reference, directorates, earlier)
    register = stages.record_submissions(request, directorates, folders[0])
    view = RunView.of(reference, current, ranking, history=earlier, register=register, raw_dir=paths.raw_dir)
    unused = unused_lines(folders[0].ignored, view.data_status, str(request.period))
    layouts = stages.start_layouts(view)  # filled here, laid out in the workers
    written = stages.write_outputs(request, ranking, directorates)  # meanwhile
    bulletins, failed = stages.finish_layouts(request, layouts)
    errors += [f"bulletin {scope}: {error}" for scope, error in failed.items()]
    planned = stages.letters(request, view, bulletins, unused)
    held = not folders[0].drops  # not one file arrived for the period (SPEC §8)
    tried, ledger = stages.deliver(request, planned, held)
    errors += stages.record_history(request, view)
    deliveries = stages.write_manifest(
        request, view, folders[0], written=written, bulletins=bulletins, ledger=ledger, errors=errors
    )
    counts = round_counts(planned, tried, ledger, request.period)
    summary = summarise(
        request,
        view,
        bulletins=len(bulletins),
        deliveries=counts,
        records=deliveries,
        errors=errors,
        held=held,
        unused=unused,
    )
    publish_summary(summary, ranking)
    return final_state(summary)
