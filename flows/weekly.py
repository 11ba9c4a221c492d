"""The weekly flow: raw drops -> validated figures -> ranking -> bulletins -> outbox.

Wiring only: each step is a plain function of `tasks/`; Prefect adds a task per directorate
and per earlier period, logs and the run record. The CPU-bound work (reading, checking, PDF
layout) goes to one pool of processes for the run (tasks.workers). A directorate whose step
fails is reported as missing with the error, and the others go on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import pandas as pd
from prefect import flow, get_run_logger, task, unmapped
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run
from prefect.states import Failed, State

from nashra import progress
from nashra.paths import RunPaths
from nashra.periods import Period
from nashra.reference import load_reference
from nashra.settings import DeliverySettings, InputLimits, resolve_channel
from schemas.headers import SOURCES
from tasks import outputs
from tasks.bulletin_context import RunView
from tasks.bulletins import render_bulletins
from tasks.cleanup import remove_leftovers
from tasks.deliver import REGION, deliver_round, delivery_records, plan_letters, round_counts
from tasks.digest import sha256_file
from tasks.evaluate import assemble_period, rule_context, scan_folders
from tasks.history import earlier_periods, earlier_table
from tasks.ingest import DirectorateData, InputRecord, SourceData, load_directorate
from tasks.ledger import LEDGER_FILE, Ledger
from tasks.ledger_check import check_ledger
from tasks.manifest import build_manifest, input_records, summary_rows
from tasks.receipts import plan_receipts
from tasks.register import register_counts, submission_register
from tasks.transport import transport_for
from tasks.workers import Job, worker_pool

quiet = dict(cache_policy=NO_CACHE, persist_result=False)
Channel = Literal["auto", "outbox", "smtp", "none"]
# Statuses a run that was asked to deliver must not leave behind unnoticed (exit 1, flow Failed).
UNDELIVERED = ("pending", "failed", "held", "in_doubt", "unconfirmed", "refused")
NOTHING_ARRIVED = (
    "لم يصل أي ملف لهذه الفترة: أُعدّت النشرات وعُلّق إرسالها إلى أن يقرر المركز ذلك "
    "/ Aucun fichier reçu pour cette période : les bulletins sont prêts, leur envoi est suspendu "
    "jusqu'à décision du centre (nashra deliver --period {period} --release)"
)


@dataclass
class RunSummary:
    period: str
    out_dir: str
    rows: list[dict]  # per directorate: code, status, rows accepted/quarantined, rank
    bulletins: int
    deliveries: dict[str, int]
    errors: list[str]
    undelivered: list[str] = field(default_factory=list)
    channel: str = "none"
    held: bool = False  # nothing arrived for the period: its messages wait for `deliver --release`


@task(name="ingest-directorate", task_run_name="ingest-{code}", **quiet)
def ingest_directorate(code: str, folders, ctx, pool) -> DirectorateData:
    progress.report("ingest", code)
    return Job(pool, load_directorate, code, folders, ctx).result()


@task(name="evaluate-earlier-period", task_run_name="evaluate-{period}", **quiet)
def evaluate_earlier(period: Period, paths: RunPaths, reference, folders, pool):
    progress.report("history", str(period))
    return earlier_table(paths.raw_dir, reference, paths.reference_dir, period, folders, paths.state_dir, pool)


@task(name="render-bulletins", **quiet)
def render(view: RunView, scopes: list[str], folder: Path, pool):
    progress.report("render", f"{len(scopes)} bulletins")
    return render_bulletins(view, scopes, folder, pool)


@task(name="deliver", task_run_name="deliver-{channel}", **quiet)
def deliver_letters(letters: list, period: Period, ledger: Ledger, channel: str, outbox: Path, hold: bool):
    """Record the new editions in the ledger (held, with `hold`) and, unless the channel is
    `none`, send what is unsent."""
    progress.report("deliver", channel)
    settings = DeliverySettings.for_channel(channel)
    transport = transport_for(channel, settings, outbox)
    return deliver_round(
        period, ledger, transport, letters, sender=settings.sender, budget=settings.max_message_bytes, hold=hold
    )


def publish_register(period: Period, register: list[dict]) -> None:
    """The submission register as a Prefect table artifact, one key per period."""
    counts = register_counts(register)
    create_table_artifact(
        key=f"submissions-{str(period).lower()}",
        table=[
            {k: r[k] for k in ("directorate", "source", "received", "outcome", "used_period", "replaced")}
            for r in register
        ],
        description=f"Submissions {period}: " + ", ".join(f"{k} {v}" for k, v in counts.items()),
    )


def publish_summary(summary: RunSummary, ranking) -> None:
    """The run's ranking and deliveries as a Prefect table artifact, one key per period."""
    rows = [
        {
            "rank": None if pd.isna(r.rank) else int(r.rank),
            "directorate": r.directorate_code,
            "status": r.data_status,
            "score": None if pd.isna(r.score) else round(float(r.score), 2),
            "provisional": r.provisional,
        }
        for r in ranking.itertuples()
    ]
    deliveries = ", ".join(f"{n} {s}" for s, n in summary.deliveries.items()) or "none"
    held = "\n\n" + NOTHING_ARRIVED.format(period=summary.period) if summary.held else ""
    create_table_artifact(
        key=f"run-{summary.period.lower()}",
        table=rows,
        description=f"Nashra {summary.period}: {summary.bulletins} bulletins; deliveries: {deliveries}; "
        f"errors: {len(summary.errors)}; undelivered: {len(summary.undelivered)}{held}",
    )


def _crashed(code: str, period: Period, error: Exception) -> DirectorateData:
    """A directorate whose ingestion crashed: missing, with the error in its inputs."""
    sources = {}
    for source in SOURCES:
        record = InputRecord(code, source, None, None, None, "missing", error=f"erreur interne : {error}")
        sources[source] = SourceData(source, inputs=[record])
    return DirectorateData(code, period, sources)


def _run_name() -> str:
    """`weekly-<period>`: the period asked for, or the week before the scheduled time."""
    period = flow_run.parameters.get("period")
    return f"weekly-{period or Period.last_complete(flow_run.scheduled_start_time)}"


@flow(name="weekly-bulletins", flow_run_name=_run_name)
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
    logger = get_run_logger()
    paths = RunPaths.with_defaults(raw_dir, reference_dir, out_dir, state_dir)
    scheduled_for = flow_run.scheduled_start_time  # a late scheduled run still processes its own week
    # Everything that can refuse the run does so here, before a file is written.
    p = Period.parse_past(period) if period else Period.last_complete(scheduled_for)
    deliver = resolve_channel(deliver, p, scheduled_for)
    DeliverySettings.for_channel(deliver)
    InputLimits.from_env()
    reference = load_reference(paths.reference_dir)
    check_ledger(paths.state_dir / LEDGER_FILE, paths.out_dir)
    period_dir, errors = paths.period_dir(str(p)), []
    remove_leftovers(period_dir, paths.state_dir)
    logger.info("Period %s (as of %s), raw drops in %s", p, p.as_of, paths.raw_dir)

    with worker_pool() as pool:  # reading, checking and layout share one pool of processes
        progress.report("scan", str(paths.raw_dir))
        folders = scan_folders(paths.raw_dir, p, reference.codes)
        ingested = ingest_directorate.map(
            reference.codes, unmapped(folders), unmapped(rule_context(reference, p)), unmapped(pool)
        )
        earlier = earlier_periods(p, reference.start_date)
        tables = evaluate_earlier.map(earlier, unmapped(paths), unmapped(reference), unmapped(folders), unmapped(pool))

        directorates = {}
        for code, future in zip(reference.codes, ingested, strict=True):
            try:
                directorates[code] = future.result()
            except Exception as error:  # one directorate's failure never stops the others
                logger.error("Directorate %s could not be read: %s", code, error)
                errors.append(f"{code}: {error}")
                directorates[code] = _crashed(code, p, error)
        history = dict(zip(earlier, (f.result() for f in tables), strict=True))

        progress.report("figures", str(p))
        with outputs.staged_folder(period_dir / "validation") as docs_dir:
            current = assemble_period(directorates, reference, p, history, docs_dir)
        findings = current.findings
        ranking = outputs.ranking_frame(current.table, history[p.previous()], reference, str(p))
        written = outputs.write_tables(period_dir, ranking, list(directorates.values()))

        register = submission_register(directorates, folders[0], paths.state_dir)
        publish_register(p, register)
        inputs = input_records(current, paths.raw_dir)
        trend = [*sorted(history.items()), (p, current.table)]
        view = RunView(
            reference,
            current,
            ranking,
            trend,
            findings,
            inputs,
            outputs.inputs_fingerprint(inputs),
            outputs.code_version(),
            register,
        )
        bulletins, failed = render(view, [REGION, *reference.codes], period_dir / "bulletins", pool)
    errors += [f"bulletin {scope}: {error}" for scope, error in failed.items()]
    written |= {path: sha256_file(path) for path in bulletins.values()}

    letters = plan_letters(reference, bulletins, p, ranking)
    letters += plan_receipts(reference, p, directorates, period_dir / "quarantine", findings)
    ledger = Ledger(paths.state_dir / LEDGER_FILE)
    held = not folders[0].drops  # not one file arrived for the period (SPEC §8)
    if held:
        logger.warning(NOTHING_ARRIVED.format(period=p))
    tried = deliver_letters(letters, p, ledger, deliver, period_dir / "outbox", held)
    deliveries = delivery_records(ledger, p)
    undelivered = [
        f"{d['kind']} to {d['recipient']}: {d['status']}" + (f" ({d['error']})" if d["error"] else "")
        for d in deliveries
        if d["status"] in UNDELIVERED and (deliver != "none" or d["status"] != "pending")
    ]

    manifest = build_manifest(
        p, inputs, folders[0].ignored, findings, paths.raw_dir, written, period_dir, deliveries, errors, current.table
    ) | {"register": register, "register_counts": register_counts(register)}
    outputs.write_atomic(period_dir / "manifest.json", outputs.manifest_json(manifest))
    for error in errors:
        logger.error(error)
    progress.report("done", str(period_dir))
    summary = RunSummary(
        period=str(p),
        out_dir=str(period_dir),
        rows=summary_rows(ranking, inputs),
        bulletins=len(bulletins),
        deliveries=round_counts(letters, tried, ledger, p),
        errors=errors,
        undelivered=undelivered,
        channel=deliver,
        held=held,
    )
    publish_summary(summary, ranking)
    if undelivered or errors:  # the bulletins are written; the run says plainly what did not go out
        reason = (
            NOTHING_ARRIVED.format(period=p)
            if held
            else f"{len(undelivered)} message(s) not delivered: they stay pending"
        )
        return Failed(message=f"{reason}; {len(errors)} error(s)", data=summary)
    return summary
