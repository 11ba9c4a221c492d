"""The stages of the weekly flow as Prefect tasks, in the order the flow calls them.

Each wraps plain functions of `tasks/` (named as SPEC names the stages) and adds what Prefect
gives: a task run with a name that says what it did, retries where a read can be retried, the
progress line of the CLI. Concurrency is decided here and only here: the directorates are read
and checked, and the bulletins laid out, in the run's pool of worker processes
(`flows/workers.py`); a directorate whose work fails or kills its worker is `missing` with the
reason, and the others go on.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
from prefect import get_run_logger, task, unmapped
from prefect.cache_policies import NO_CACHE

from flows.summary import NOTHING_ARRIVED, publish_register
from flows.workers import Job, Pools, default_workers, lay_out, run_all, warm_up_layout
from nashra import progress
from nashra.reference import REGION, Reference, load_reference
from nashra.request import RunRequest
from nashra.settings import DeliverySettings
from tasks.bulletins.context import RunView
from tasks.bulletins.pages import bulletin_html, write_bulletin
from tasks.delivery.ledger import Ledger
from tasks.delivery.ledger_check import check_ledger
from tasks.delivery.letters import Letter, plan_letters
from tasks.delivery.receipts import plan_receipts
from tasks.delivery.rounds import deliver_round, delivery_records
from tasks.delivery.transport import transport_for
from tasks.evaluation.expectations import validate_facts
from tasks.evaluation.history import earlier_periods, earlier_table
from tasks.evaluation.period import PeriodResult, assemble_period
from tasks.evaluation.ranking import ranking_frame
from tasks.files import remove_leftovers, sha256_file, staged_folder, write_atomic
from tasks.intake.discover import PeriodFolder, scan_folders
from tasks.intake.ingest import DirectorateData, crashed_directorate, load_directorate
from tasks.intake.validate import rule_context
from tasks.outputs.manifest import build_manifest, manifest_json
from tasks.outputs.quality_summary import write_quality_summary
from tasks.outputs.register import register_counts, submission_register
from tasks.outputs.tables import write_tables

quiet: dict[str, Any] = dict(cache_policy=NO_CACHE, persist_result=False)


@task(name="check-before-writing", **quiet)
def preflight(request: RunRequest) -> Reference:
    """The reference data and the ledger, checked before anything is written; leftovers of a
    killed run removed."""
    reference = load_reference(request.paths.reference_dir)
    check_ledger(request.paths.ledger, request.paths.out_dir)
    remove_leftovers(request.paths.period_dir(request.period), request.paths.state_dir)
    return reference


@task(name="scan-drops", retries=2, retry_delay_seconds=2, **quiet)
def scan(request: RunRequest, reference: Reference) -> list[PeriodFolder]:
    """The period's folder and every earlier one (SPEC §2), newest first."""
    progress.report("scan", str(request.paths.raw_dir))
    return scan_folders(request.paths.raw_dir, request.period, reference.codes)


@task(name="ingest-directorate", task_run_name="ingest-{code}", **quiet)
def ingest_directorate(code: str, folders: list[PeriodFolder], ctx, pools: Pools) -> DirectorateData:
    progress.report("ingest", code)
    return Job(pools.workers, load_directorate, code, folders, ctx).result()


def start_ingest(request: RunRequest, reference: Reference, folders, pools: Pools) -> list:
    """Every directorate read and checked, one task each (futures, so the earlier periods start too)."""
    ctx = rule_context(reference, request.period)
    return ingest_directorate.map(reference.codes, unmapped(folders), unmapped(ctx), unmapped(pools))


def ingested(request: RunRequest, reference: Reference, futures) -> tuple[dict[str, DirectorateData], list[str]]:
    """The directorates read; one whose reading failed is `missing` with the reason, the others go on."""
    directorates, errors = {}, []
    for code, future in zip(reference.codes, futures, strict=True):
        try:
            directorates[code] = future.result()
        except Exception as error:  # one directorate's failure never stops the others
            get_run_logger().error("Directorate %s could not be read: %s", code, error)
            errors.append(f"{code}: {error}")
            directorates[code] = crashed_directorate(code, request.period, error)
    return directorates, errors


@task(name="evaluate-earlier-period", task_run_name="evaluate-{period}", **quiet)
def evaluate_earlier(period, reference: Reference, folders, paths, pools: Pools) -> pd.DataFrame:
    progress.report("history", str(period))

    def in_pool(codes, own, ctx):
        return dict(zip(codes, run_all(pools.workers, load_directorate, [(c, own, ctx) for c in codes]), strict=True))

    return earlier_table(period, reference, folders, paths, load=in_pool, validate=pools.checker(validate_facts))


def start_history(request: RunRequest, reference: Reference, folders, pools: Pools) -> dict:
    """The earlier periods' tables (rank_change, W5, trends), one task each, as futures."""
    earlier = earlier_periods(request.period, reference.start_date)
    futures = evaluate_earlier.map(
        earlier, unmapped(reference), unmapped(folders), unmapped(request.paths), unmapped(pools)
    )
    return dict(zip(earlier, futures, strict=True))


def warm_layout(pools: Pools) -> list:
    """Each worker loads the stylesheet and the fonts while the figures are computed here, so
    that laying out the bulletins starts at once."""
    return [Job(pools.workers, warm_up_layout) for _ in range(default_workers())]


@task(name="figures-checks-ranking", **quiet)
def evaluate(
    request: RunRequest, reference: Reference, directorates, earlier, pools: Pools
) -> tuple[PeriodResult, pd.DataFrame]:
    """SPEC §3-4: figures, cross-checks and quality checks (with their Data Docs, written by the
    process where Great Expectations is loaded), ranking."""
    progress.report("figures", str(request.period))
    with staged_folder(request.paths.validation(request.period)) as docs_dir:
        current = assemble_period(
            directorates,
            reference,
            request.period,
            history=earlier,
            docs_dir=docs_dir,
            validate=pools.checker(validate_facts),
        )
        write_quality_summary(docs_dir, current.findings, reference, request.period)
    ranking = ranking_frame(current.table, earlier[request.period.previous()], reference, str(request.period))
    return current, ranking


@task(name="write-rankings-and-quarantine", **quiet)
def write_outputs(request: RunRequest, ranking: pd.DataFrame, directorates) -> dict[Path, str]:
    period_dir = request.paths.period_dir(request.period)
    return write_tables(period_dir, ranking, list(directorates.values()), as_of=request.period.as_of)


@task(name="record-submissions", **quiet)
def record_submissions(request: RunRequest, directorates, folder: PeriodFolder) -> list[dict]:
    register = submission_register(directorates, folder, request.paths.submissions)
    publish_register(request.period, register)
    return register


@task(name="render-bulletins", **quiet)
def render(request: RunRequest, view: RunView, pools: Pools) -> tuple[dict[str, Path], dict[str, str]]:
    """SPEC §6: each template filled here and laid out in a worker at once; a bulletin that
    fails is reported and the others are written."""
    scopes = [REGION, *view.reference.codes]
    progress.report("render", f"{len(scopes)} bulletins")
    jobs, errors, written = {}, {}, {}
    for scope in scopes:
        try:
            jobs[scope] = Job(pools.workers, lay_out, bulletin_html(view, scope))
        except Exception as error:
            errors[scope] = f"{type(error).__name__}: {error}"
    for scope, job in jobs.items():
        try:
            written[scope] = write_bulletin(
                request.paths.bulletins(request.period), scope, request.period, job.result()
            )
        except Exception as error:
            errors[scope] = f"{type(error).__name__}: {error}"
    return written, errors


def letters(request: RunRequest, view: RunView, bulletins: dict[str, Path]) -> list[Letter]:
    """SPEC §7: bulletins to directors and the region, receipts to directorates with something to fix."""
    period, current = request.period, view.current
    planned = plan_letters(view.reference, bulletins, period, view.ranking)
    return planned + plan_receipts(
        view.reference, period, current.directorates, request.paths.quarantine(period), findings=current.findings
    )


@task(name="deliver", task_run_name="deliver-{request.channel}", **quiet)
def deliver(request: RunRequest, planned: list[Letter], held: bool) -> tuple[list, Ledger]:
    """Record the new editions in the ledger (held when nothing arrived) and, unless the channel
    is `none`, send what is unsent."""
    progress.report("deliver", request.channel)
    if held:
        get_run_logger().warning(NOTHING_ARRIVED.format(period=request.period))
    settings = DeliverySettings.for_channel(request.channel)
    transport = transport_for(request.channel, settings, request.paths.outbox(request.period))
    ledger = Ledger(request.paths.ledger)
    tried = deliver_round(
        request.period, ledger, transport, planned, sender=settings.sender, budget=settings.max_message_bytes, hold=held
    )
    return tried, ledger


@task(name="write-manifest", **quiet)
def write_manifest(
    request: RunRequest, view: RunView, folder: PeriodFolder, *, written, bulletins, ledger, errors
) -> list[dict]:
    """SPEC §5: manifest.json, last, with the outputs and the deliveries; returns the deliveries."""
    period_dir = request.paths.period_dir(request.period)
    written = written | {path: sha256_file(path) for path in bulletins.values()}
    deliveries = delivery_records(ledger, request.period)
    manifest = build_manifest(
        request.period,
        inputs=view.inputs,
        ignored=folder.ignored,
        findings=view.findings,
        raw_dir=request.paths.raw_dir,
        outputs=written,
        period_dir=period_dir,
        deliveries=deliveries,
        errors=errors,
        table=view.current.table,
    ) | {"register": view.register, "register_counts": register_counts(view.register)}
    write_atomic(request.paths.manifest(request.period), manifest_json(manifest))
    for error in errors:
        get_run_logger().error(error)
    progress.report("done", str(period_dir))
    return deliveries
