"""The weekly flow: raw drops -> validated figures -> ranking -> bulletins -> outbox.

Wiring only: each step is a plain function of `tasks/`; Prefect adds concurrency per
directorate and per earlier period, logs and the run record. A directorate whose step fails is
reported as missing with the error, and the others go on.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from prefect import flow, get_run_logger, task, unmapped
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE

from nashra import progress
from nashra.paths import RunPaths
from nashra.periods import Period
from nashra.reference import load_reference
from tasks import outputs
from tasks.bulletin_context import RunView
from tasks.bulletins import render_bulletins
from tasks.deliver import DEFAULT_SENDER, REGION, deliver_to_outbox, plan_letters
from tasks.evaluate import assemble_period, rule_context, scan_folders
from tasks.history import earlier_periods, earlier_table
from tasks.ingest import DirectorateData, InputRecord, SourceData, load_directorate
from tasks.manifest import build_manifest, input_records, summary_rows
from tasks.receipts import plan_receipts
from tasks.register import register_counts, submission_register

quiet = dict(cache_policy=NO_CACHE, persist_result=False)


@dataclass
class RunSummary:
    period: str
    out_dir: str
    rows: list[dict]  # per directorate: code, status, rows accepted/quarantined, rank
    bulletins: int
    deliveries: dict[str, int]
    errors: list[str]


@task(name="ingest-directorate", **quiet)
def ingest_directorate(code: str, folders, ctx) -> DirectorateData:
    progress.report("ingest", code)
    return load_directorate(code, folders, ctx)


@task(name="evaluate-earlier-period", **quiet)
def evaluate_earlier(period: Period, paths: RunPaths, reference, folders):
    progress.report("history", str(period))
    return earlier_table(paths.raw_dir, reference, paths.reference_dir, period, folders, paths.state_dir)


@task(name="render-bulletins", **quiet)
def render(view: RunView, scopes: list[str], folder: Path):
    progress.report("render", f"{len(scopes)} bulletins")
    return render_bulletins(view, scopes, folder)


@task(name="deliver-outbox", **quiet)
def deliver_outbox(letters: list, period: Period, outbox: Path, sender: str):
    progress.report("deliver", "outbox")
    return deliver_to_outbox(letters, period, outbox, sender)


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


def _crashed(code: str, period: Period, error: Exception) -> DirectorateData:
    """A directorate whose ingestion crashed: missing, with the error in its inputs."""
    sources = {}
    for source in ("exam_results", "voucher_ledger"):
        record = InputRecord(code, source, None, None, None, "missing", error=f"erreur interne : {error}")
        sources[source] = SourceData(source, inputs=[record])
    return DirectorateData(code, period, sources)


@flow(name="weekly-bulletins")
def weekly_bulletins(
    period: str | None = None,
    raw_dir: str | None = None,
    reference_dir: str | None = None,
    out_dir: str | None = None,
    state_dir: str | None = None,
    deliver: str = "outbox",
    sender: str = DEFAULT_SENDER,
) -> RunSummary:
    """Bulletins of one ISO week (default: the week that has just ended)."""
    logger = get_run_logger()
    paths = RunPaths.with_defaults(raw_dir, reference_dir, out_dir, state_dir)
    p = Period.parse(period) if period else Period.last_complete()
    reference = load_reference(paths.reference_dir)
    period_dir, errors = paths.period_dir(str(p)), []
    logger.info("Period %s (as of %s), raw drops in %s", p, p.as_of, paths.raw_dir)

    progress.report("scan", str(paths.raw_dir))
    folders = scan_folders(paths.raw_dir, p, reference.codes)
    ingested = ingest_directorate.map(reference.codes, unmapped(folders), unmapped(rule_context(reference, p)))
    earlier = earlier_periods(p, reference.start_date)
    tables = evaluate_earlier.map(earlier, unmapped(paths), unmapped(reference), unmapped(folders))

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
    bulletins, failed = render(view, [REGION, *reference.codes], period_dir / "bulletins")
    errors += [f"bulletin {scope}: {error}" for scope, error in failed.items()]
    written |= {path: outputs.sha256_file(path) for path in bulletins.values()}

    deliveries = []
    if deliver == "outbox":
        letters = plan_letters(reference, bulletins, p)
        letters += plan_receipts(reference, p, directorates, period_dir / "quarantine")
        deliveries = deliver_outbox(letters, p, period_dir / "outbox", sender)
        errors += [f"delivery {d['recipient']}: {d['error']}" for d in deliveries if d["status"] == "failed"]

    manifest = build_manifest(
        p, inputs, folders[0].ignored, findings, paths.raw_dir, written, period_dir, deliveries, errors, current.table
    ) | {"register": register, "register_counts": register_counts(register)}
    outputs.write_atomic(period_dir / "manifest.json", outputs.manifest_json(manifest))
    for error in errors:
        logger.error(error)
    progress.report("done", str(period_dir))
    return RunSummary(
        period=str(p),
        out_dir=str(period_dir),
        rows=summary_rows(ranking, inputs),
        bulletins=len(bulletins),
        deliveries={s: sum(d["status"] == s for d in deliveries) for s in sorted({d["status"] for d in deliveries})},
        errors=errors,
    )
