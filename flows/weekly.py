"""The weekly flow: raw drops -> validated figures -> ranking -> bulletins -> outbox.

Wiring only: each step is a plain function of `tasks/`; Prefect adds concurrency per
directorate, logs and the run record. A directorate whose step fails is reported as missing
with the error, and the others go on.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from nashra import progress
from nashra.paths import RunPaths
from nashra.periods import Period
from nashra.reference import load_reference
from tasks import outputs
from tasks.bulletin_context import RunView
from tasks.bulletins import render_bulletins
from tasks.cross_checks import cross_checks
from tasks.deliver import DEFAULT_SENDER, REGION, deliver_to_outbox, plan_letters
from tasks.evaluate import PeriodResult, combined_rows, period_table, rule_context, scan_folders
from tasks.figures import with_pass_flag
from tasks.history import earlier_table
from tasks.ingest import MISSING, DirectorateData, InputRecord, SourceData, load_directorate
from tasks.manifest import build_manifest, input_records

TREND_WEEKS = 8
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
def evaluate_earlier(paths: RunPaths, reference, period: Period, folders):
    progress.report("history", str(period))
    return earlier_table(paths.raw_dir, reference, paths.reference_dir, period, folders, paths.state_dir)


@task(name="render-bulletins", **quiet)
def render(view: RunView, scopes: list[str], folder: Path):
    progress.report("render", f"{len(scopes)} bulletins")
    return render_bulletins(view, scopes, folder)


def _failed(code: str, period: Period, error: Exception) -> DirectorateData:
    """A directorate whose ingestion crashed: missing, with the error in its inputs."""
    sources = {}
    for source in ("exam_results", "voucher_ledger"):
        record = InputRecord(code, source, None, None, None, "missing", error=f"erreur interne : {error}")
        sources[source] = SourceData(source, inputs=[record])
    return DirectorateData(code, period, sources)


@flow(name="weekly-bulletins", log_prints=True)
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
    defaults = RunPaths()
    paths = RunPaths(
        Path(raw_dir or defaults.raw_dir),
        Path(reference_dir or defaults.reference_dir),
        Path(out_dir or defaults.out_dir),
        Path(state_dir or defaults.state_dir),
    )
    p = Period.parse(period) if period else Period.last_complete()
    reference = load_reference(paths.reference_dir)
    period_dir = paths.period_dir(str(p))
    logger.info("Period %s (as of %s), raw drops in %s", p, p.as_of, paths.raw_dir)

    progress.report("scan", str(paths.raw_dir))
    folders = scan_folders(paths.raw_dir, p, reference.codes)
    ctx = rule_context(reference, p)
    futures = ingest_directorate.map(reference.codes, [folders] * len(reference.codes), [ctx] * len(reference.codes))
    directorates, errors = {}, []
    for code, future in zip(reference.codes, futures, strict=True):
        try:
            directorates[code] = future.result()
        except Exception as error:  # one directorate's failure never stops the others
            logger.error("Directorate %s could not be read: %s", code, error)
            errors.append(f"{code}: {error}")
            directorates[code] = _failed(code, p, error)
    current = PeriodResult(p, directorates, period_table(directorates, reference, p))

    earlier = [q for q in p.recent(TREND_WEEKS)[:-1] if q.as_of >= reference.start_date]
    if p.previous() not in earlier:
        earlier.append(p.previous())
    tables = evaluate_earlier.map([paths] * len(earlier), [reference] * len(earlier), earlier, [folders] * len(earlier))
    history = [(q, f.result()) for q, f in zip(earlier, tables, strict=True)]
    previous = dict(history)[p.previous()]

    progress.report("figures", str(p))
    table = current.table
    rank_change = outputs.rank_change_of(table, previous)
    ranking = outputs.ranking_frame(table, rank_change, reference, str(p))
    present = [directorates[c] for c in current.present]
    passing = reference.exams["passing_score"].astype(int).to_dict()
    findings = cross_checks(
        with_pass_flag(combined_rows(present, "exam_results"), passing),
        combined_rows(present, "voucher_ledger"),
        current.present,
        table.loc[current.present],
        previous[previous["data_status"] != MISSING],
    )
    written = {
        period_dir / "rankings.csv": outputs.write_atomic(period_dir / "rankings.csv", outputs.rankings_csv(ranking))
    }
    written |= outputs.write_quarantine(period_dir / "quarantine", list(directorates.values()))

    inputs = input_records(current, paths.raw_dir)
    trend = [(q, t) for q, t in history if q >= p.recent(TREND_WEEKS)[0]] + [(p, table)]
    view = RunView(
        reference, current, ranking, trend, findings, inputs, outputs.inputs_fingerprint(inputs), outputs.code_version()
    )
    scopes = [REGION, *reference.codes]
    bulletin_dir = period_dir / "bulletins"
    bulletins, failed = render(view, scopes, bulletin_dir)
    for scope, error in failed.items():
        logger.error("Bulletin %s could not be rendered: %s", scope, error)
        errors.append(f"bulletin {scope}: {error}")
    for path in bulletins.values():
        written[path] = outputs.sha256_file(path)

    deliveries = []
    if deliver == "outbox":
        progress.report("deliver", "outbox")
        deliveries = deliver_to_outbox(plan_letters(reference, bulletins), p, reference, period_dir / "outbox", sender)
        errors += [f"delivery {d['recipient']}: {d['error']}" for d in deliveries if d["status"] == "failed"]

    statuses = {
        c: {"data_status": d.data_status, "data_period": str(d.data_period) if d.data_period else None}
        for c, d in directorates.items()
    }
    manifest = build_manifest(
        p, inputs, folders[0].ignored, findings, paths.raw_dir, written, period_dir, deliveries, errors, statuses
    )
    outputs.write_atomic(period_dir / "manifest.json", outputs.manifest_json(manifest))
    progress.report("done", str(period_dir))
    logger.info("Wrote %d bulletins and %d outputs to %s", len(bulletins), len(written), period_dir)
    return RunSummary(
        period=str(p),
        out_dir=str(period_dir),
        rows=[
            {
                "code": r.directorate_code,
                "data_status": r.data_status,
                "data_period": r.data_period,
                "rank": r.rank,
                "rank_change": r.rank_change,
                "accepted": sum(
                    i["rows_accepted"] or 0
                    for i in inputs
                    if i["directorate"] == r.directorate_code and i["status"] in ("accepted", "carried")
                ),
                "quarantined": sum(
                    i["rows_quarantined"] or 0
                    for i in inputs
                    if i["directorate"] == r.directorate_code and i["status"] in ("accepted", "carried")
                ),
            }
            for r in ranking.itertuples()
        ],
        bulletins=len(bulletins),
        deliveries={s: sum(d["status"] == s for d in deliveries) for s in {d["status"] for d in deliveries}},
        errors=errors,
    )
