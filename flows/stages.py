"""The stages of the weekly flow as Prefect tasks, in the order the flow calls them.

Each wraps plain functions of `tasks/` (named as SPEC names the stages) and adds what Prefect
gives: a task run with a name that says what it did, retries where a read can be retried, the
progress line of the CLI. Concurrency is decided here, in `flows/reading.py` and in the flow's
task runner (`flows/runner.py`, `flows/forked_pool.py`): the directorates are read and checked (reading.py), and the
bulletins laid out, by tasks submitted to the run's worker processes; the rest runs in the run's
own process. A directorate whose reading fails or kills its worker is `missing` with the reason,
and the others go on.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.futures import PrefectFuture

from flows.runner import gather
from flows.summary import NOTHING_ARRIVED, publish_register
from nashra import progress
from nashra.reference import REGION, Reference, load_reference
from nashra.request import RunRequest
from nashra.settings import DeliverySettings, history_database_url
from tasks.bulletins.context import RunView
from tasks.bulletins.pages import bulletin_html, write_bulletin
from tasks.delivery.ledger import BULLETIN_KINDS, Ledger
from tasks.delivery.ledger_check import check_ledger
from tasks.delivery.letters import Letter, plan_letters
from tasks.delivery.receipts import plan_receipts
from tasks.delivery.rounds import deliver_round, delivery_records
from tasks.delivery.transport import transport_for
from tasks.evaluation.period import PeriodResult, assemble_period
from tasks.evaluation.ranking import ranking_frame
from tasks.files import remove_leftovers, sha256_file, staged_folder, write_atomic
from tasks.intake.discover import PeriodFolder, scan_folders
from tasks.outputs.history_db import period_rows, record
from tasks.outputs.manifest import build_manifest, manifest_json
from tasks.outputs.quality_summary import write_quality_summary
from tasks.outputs.register import register_counts, submission_register
from tasks.outputs.tables import write_tables

quiet: dict[str, Any] = dict(cache_policy=NO_CACHE, persist_result=False)


@dataclass(frozen=True)
class Resources:
    """What a run uses beyond its files, built once when it starts and handed to the stages: the
    delivery settings (SMTP's password from the environment or its Secret block), the delivery
    ledger, the history database's address."""

    delivery: DeliverySettings
    ledger: Ledger
    history_url: str

    @classmethod
    def of(cls, request: RunRequest) -> Resources:
        paths = request.paths
        return cls(
            DeliverySettings.for_channel(request.channel), Ledger(paths.ledger), history_database_url(paths.state_dir)
        )


@task(name="check-before-writing", **quiet)
def preflight(request: RunRequest) -> tuple[Reference, Resources]:
    """The reference data and the ledger checked, the run's resources built, before anything is
    written; leftovers of a killed run removed."""
    reference = load_reference(request.paths.reference_dir)
    check_ledger(request.paths.ledger, request.paths.out_dir)
    resources = Resources.of(request)
    remove_leftovers(request.paths.period_dir(request.period), request.paths.state_dir)
    return reference, resources


@task(name="scan-drops", retries=2, retry_delay_seconds=2, **quiet)
def scan(request: RunRequest, reference: Reference) -> list[PeriodFolder]:
    """The period's folder and every earlier one (SPEC §2), newest first."""
    progress.report("scan", str(request.paths.raw_dir))
    return scan_folders(request.paths.raw_dir, request.period, reference.codes, reference.directorate_names)


@task(name="figures-checks-ranking", **quiet)
def evaluate(request: RunRequest, reference: Reference, directorates, earlier) -> tuple[PeriodResult, pd.DataFrame]:
    """SPEC §3-4: figures, cross-checks and quality checks (with their Data Docs), ranking."""
    progress.report("figures", str(request.period))
    with staged_folder(request.paths.validation(request.period)) as docs_dir:
        current = assemble_period(
            directorates,
            reference,
            request.period,
            history=earlier,
            docs_dir=docs_dir,
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


@task(name="fill-bulletins", **quiet)
def fill(view: RunView) -> dict[str, str]:
    """SPEC §6: each bulletin's template filled with its figures (HTML), here."""
    scopes = [REGION, *view.reference.codes]
    progress.report("render", f"{len(scopes)} bulletins")
    return {scope: bulletin_html(view, scope) for scope in scopes}


@task(name="lay-out-bulletin", task_run_name="lay-out-{scope}", **quiet)
def lay_out(scope: str, html: str) -> bytes:
    """One filled bulletin as PDF, in a worker: only the workers import WeasyPrint."""
    from tasks.bulletins.layout import html_to_pdf

    return html_to_pdf(html)


@dataclass(frozen=True)
class Layouts:
    """The run's bulletins, filled here, being laid out in the workers (one task each)."""

    filled: dict[str, str]
    futures: dict[str, PrefectFuture]

    def again(self, scope: str) -> PrefectFuture:
        return lay_out.submit(scope, self.filled[scope])


def start_layouts(view: RunView) -> Layouts:
    """SPEC §6: the bulletins filled here and handed to the workers at once."""
    layouts = Layouts(fill(view), {})
    layouts.futures.update({scope: layouts.again(scope) for scope in layouts.filled})
    return layouts


def finish_layouts(request: RunRequest, layouts: Layouts) -> tuple[dict[str, Path], dict[str, str]]:
    """The laid-out bulletins written; a bulletin that fails is reported and the others are written."""
    written, errors = {}, {}
    for scope, pdf in gather(layouts.futures, layouts.again).items():
        try:
            if isinstance(pdf, BaseException):
                raise pdf
            written[scope] = write_bulletin(request.paths.bulletins(request.period), scope, request.period, pdf)
        except Exception as error:
            errors[scope] = f"{type(error).__name__}: {error}"
    return written, errors


def outputs_and_bulletins(
    request: RunRequest, view: RunView, directorates
) -> tuple[dict[Path, str], dict[str, Path], list[str]]:
    """SPEC §5-6: rankings and quarantine written here while the workers lay out the bulletins;
    the files written, the bulletins, and one line per bulletin that failed (the others are written)."""
    layouts = start_layouts(view)
    written = write_outputs(request, view.ranking, directorates)
    bulletins, failed = finish_layouts(request, layouts)
    return written, bulletins, [f"bulletin {scope}: {error}" for scope, error in failed.items()]


def letters(request: RunRequest, view: RunView, bulletins: dict[str, Path], unused: list[str]) -> list[Letter]:
    """SPEC §7: bulletins to directors and the region (with what the week's folder held that was
    not used), receipts to directorates with something to fix."""
    period, current = request.period, view.current
    planned = plan_letters(view.reference, bulletins, period, view.ranking, unused=unused)
    return planned + plan_receipts(
        view.reference,
        period,
        current.directorates,
        request.paths.quarantine(period),
        findings=current.findings,
        evidence_dir=request.paths.explain(period),
    )


@task(name="deliver", task_run_name="deliver-{request.channel}", **quiet)
def deliver(
    request: RunRequest,
    resources: Resources,
    planned: list[Letter],
    held: bool,
    kinds: tuple[str, ...] = BULLETIN_KINDS,
) -> tuple[list, Ledger]:
    """Record the new editions in the ledger (held when nothing arrived) and, unless the channel
    is `none`, send what is unsent of these kinds."""
    progress.report("deliver", request.channel)
    if held:
        get_run_logger().warning(NOTHING_ARRIVED.format(period=request.period))
    settings, ledger = resources.delivery, resources.ledger
    transport = transport_for(request.channel, settings, request.paths.outbox(request.period))
    tried = deliver_round(
        request.period,
        ledger,
        transport,
        planned,
        sender=settings.sender,
        budget=settings.max_message_bytes,
        hold=held,
        kinds=kinds,
    )
    return tried, ledger


@task(name="record-history", **quiet)
def record_history(request: RunRequest, resources: Resources, view: RunView) -> list[str]:
    """Issue 14: the period's results in the history database (tasks/outputs/history_db.py).
    A database that cannot be written is reported, not raised: the bulletins are out already."""
    try:
        rows = period_rows(view.ranking, view.register, view.findings)
        edition = {"fingerprint": view.fingerprint, "code_version": view.code_version}
        academy = view.reference.programme["academy_fr"]
        record(resources.history_url, str(request.period), rows, academy=academy, edition=edition)
        return []
    except Exception as error:  # unreachable server, refused login, schema of another version
        return [f"history database: {type(error).__name__}: {str(error).splitlines()[0]}"]


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
