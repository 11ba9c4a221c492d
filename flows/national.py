"""The national flow: one academy run per academy as a run of the `weekly-bulletins/academy`
deployment on a work pool (today's weekly flow on that academy's folders, its delivery to its own
recipients unchanged), then the national roll-up over those that completed, the national bulletin
and its delivery to the national recipients.

Wiring only. An academy run that fails, or whose worker dies, is started once more (on whichever
worker takes it); one that fails again is missing from the roll-up, and the national run is
Failed with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, cast

import pandas as pd
from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.client.schemas.objects import FlowRun
from prefect.deployments import run_deployment
from prefect.runtime import flow_run
from prefect.states import Failed, State
from prefect.task_runners import ThreadPoolTaskRunner

from flows import stages
from flows.summary import run_name, undelivered
from nashra.academies import NATIONAL, Nation, load_nation
from nashra.paths import NATIONAL_DIR, NATIONAL_RAW_DIR, RunPaths
from nashra.request import RunRequest
from tasks.bulletins.pages import write_bulletin
from tasks.delivery.rounds import delivery_records
from tasks.national.bulletin import national_context, national_html, table_fingerprint
from tasks.national.letters import plan_national_letters
from tasks.national.rollup import national_paths, national_table, roll_up

ACADEMY_DEPLOYMENT = "weekly-bulletins/academy"
Channel = Literal["auto", "outbox", "smtp", "none"]
ACADEMIES_AT_ONCE: Any = ThreadPoolTaskRunner(max_workers=12)  # threads that wait for the academy runs


class AcademyRunFailed(RuntimeError):
    """An academy's weekly run ended in a state other than Completed."""


@dataclass
class AcademyRun:
    run_id: str
    warning: str = ""  # the run ended Failed with its outputs written (a message unsent, nothing arrived)


@dataclass
class NationalSummary:
    period: str
    table: str  # rankings_national.csv
    runs: dict[str, AcademyRun]  # academy code -> its run (the last attempt)
    missing: dict[str, str]  # academy code -> why
    bulletin: str = ""  # the national bulletin (PDF)
    unsent: list[str] = field(default_factory=list)  # its messages left unsent


@task(name="run-academy", task_run_name="academy-{code}-{period}", retries=1, cache_policy=NO_CACHE)
def run_academy(code: str, period: str, paths: RunPaths, deliver: str) -> AcademyRun:
    """One academy's weekly run on the work pool, waited for. A run that ended Failed after
    writing its outputs (the weekly exit-1 cases: a message unsent, nothing arrived) counts, with
    its reason; any other end raises, so that Prefect starts it once more (`retries=1`)."""
    parameters = {
        "period": period,
        "raw_dir": str(paths.raw_dir),
        "reference_dir": str(paths.reference_dir),
        "out_dir": str(paths.out_dir),
        "state_dir": str(paths.state_dir),
        "deliver": deliver,
    }
    run = cast(
        FlowRun,
        run_deployment(
            ACADEMY_DEPLOYMENT, parameters=parameters, timeout=None, poll_interval=1, tags=[f"academy-{code}"]
        ),
    )
    if run.state is not None and run.state.is_completed():
        return AcademyRun(str(run.id))
    ended = f"{run.state.name}: {run.state.message}" if run.state else "no state"
    if run.state is not None and run.state.is_failed() and published_its_summary(run, period):
        return AcademyRun(str(run.id), warning=ended)
    raise AcademyRunFailed(f"{code}: run {run.name} ended {ended}")


def published_its_summary(run: FlowRun, period: str) -> bool:
    """Whether the weekly run published its `run-<period>` artifact, its last act once every
    output is written (flows/summary.py): then a Failed end is one of the weekly exit-1 cases,
    not a crash half-way. Read from the run's own record, not from files' times."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId, ArtifactFilterKey

    wanted = ArtifactFilter(
        flow_run_id=ArtifactFilterFlowRunId(any_=[run.id]), key=ArtifactFilterKey(any_=[f"run-{period.lower()}"])
    )
    with get_client(sync_client=True) as client:
        return bool(client.read_artifacts(artifact_filter=wanted, limit=1))


@task(name="national-bulletin", cache_policy=NO_CACHE)
def national_bulletin(nation: Nation, table: pd.DataFrame, request: RunRequest) -> Path:
    """The national bulletin filled from the national table and laid out as PDF, in this process
    (one bulletin: no pool to start)."""
    from tasks.bulletins.layout import html_to_pdf

    fingerprint = table_fingerprint(national_table(request.paths, request.period).read_bytes())
    html = national_html(national_context(nation, table, request.period, fingerprint=fingerprint))
    level = national_paths(request.paths)
    return write_bulletin(level.bulletins(request.period), NATIONAL, request.period, html_to_pdf(html))


def deliver_nationally(nation: Nation, bulletin: Path, request: RunRequest, table: pd.DataFrame) -> list[str]:
    """The national bulletin to the national recipients, through the academies' delivery stage
    on the national folders (its own ledger and outbox); returns the messages left unsent."""
    level = RunRequest(request.period, national_paths(request.paths), request.channel)
    planned = plan_national_letters(nation, bulletin, request.period, table)
    _, ledger = stages.deliver(level, stages.Resources.of(level), planned, False)
    return undelivered(delivery_records(ledger, request.period), request.channel)


@flow(name="national-bulletins", flow_run_name=run_name("national"), task_runner=ACADEMIES_AT_ONCE)
def national_bulletins(
    period: str = "",
    raw_dir: str = "",
    out_dir: str = "",
    state_dir: str = "",
    national_dir: str = "",
    deliver: Channel = "auto",
) -> NationalSummary | State:
    """Every academy's weekly bulletins for one ISO week, then the national ranking, bulletin
    and its delivery to the national recipients.

    Args:
        period: ISO week such as 2026-W47; empty for the week before the scheduled time.
        raw_dir: folder holding one folder of weekly drops per academy code (default data/national-raw).
        out_dir: folder of the reports: one folder per academy, and NATIONAL/ for the roll-up.
        state_dir: one state folder per academy (its delivery ledger and caches), and NATIONAL/.
        national_dir: folder of academies.csv, the national programme and recipients (default data/national).
        deliver: how every bulletin is delivered (outbox, smtp, none; auto: the configured
            channel for the week that has just ended, none for an older one).
    """
    folder = Path(national_dir) if national_dir else NATIONAL_DIR
    national = RunPaths.with_defaults(raw_dir or NATIONAL_RAW_DIR, folder, out_dir, state_dir)
    request = RunRequest.parse(period, national, deliver, flow_run.scheduled_start_time)
    nation = load_nation(folder)
    week = str(request.period)
    futures = {
        code: run_academy.submit(code, week, academy.paths(national), request.channel)
        for code, academy in nation.academies.items()
    }
    runs: dict[str, AcademyRun] = {}
    missing: dict[str, str] = {}
    for code, future in futures.items():
        future.wait()
        state = future.state
        if state.is_completed():
            runs[code] = future.result()
        else:
            missing[code] = str(state.message or state.name)
    table = roll_up(nation, national, request.period, completed=list(runs))
    bulletin = national_bulletin(nation, table, request)
    unsent = deliver_nationally(nation, bulletin, request, table)
    summary = NationalSummary(week, str(national_table(national, week)), runs, missing, str(bulletin), unsent)
    problems = [f"{code}: failed twice, missing from the roll-up ({why})" for code, why in missing.items()]
    problems += [f"{code}: {run.warning}" for code, run in runs.items() if run.warning]
    problems += [f"national bulletin {line}" for line in unsent]
    return Failed(message="; ".join(problems), data=summary) if problems else summary
