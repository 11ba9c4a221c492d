"""What a run tells people when it ends: its summary (for the CLI), its Prefect artifacts
(`run-<period>`, `submissions-<period>`), and whether it failed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd
from prefect.artifacts import create_table_artifact
from prefect.runtime import flow_run
from prefect.states import Failed, State

from nashra.periods import Period
from nashra.request import RunRequest
from tasks.bulletins.context import RunView
from tasks.delivery.ledger import BULLETIN_KINDS, PENDING, UNDELIVERED, Ledger
from tasks.delivery.rounds import round_counts
from tasks.outputs.manifest import summary_rows
from tasks.outputs.register import register_counts

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
    unused: list[str] = field(default_factory=list)  # what the period's folder holds that the run did not use


def run_name(prefix: str) -> Callable[[], str]:
    """A flow run's name, `<prefix>-<period>`: the period asked for, or the week before the
    scheduled time (the week a scheduled run processes)."""

    def name() -> str:
        period = flow_run.parameters.get("period")
        return f"{prefix}-{period or Period.last_complete(flow_run.scheduled_start_time)}"

    return name


def undelivered(deliveries: list[dict], channel: str, kinds: tuple[str, ...] = BULLETIN_KINDS) -> list[str]:
    """One line per message of these kinds left unsent; with channel `none` pending messages are
    expected. (A reminder left unsent is its own run's to report, not the bulletins'.)"""
    return [
        f"{d['kind']} to {d['recipient']}: {d['status']}" + (f" ({d['error']})" if d["error"] else "")
        for d in deliveries
        if d["kind"] in kinds and d["status"] in UNDELIVERED and (channel != "none" or d["status"] != PENDING)
    ]


def summarise(
    request: RunRequest,
    view: RunView,
    *,
    bulletins: int,
    deliveries: dict[str, int],
    records: list[dict],
    errors: list[str],
    held: bool,
    unused: list[str],
) -> RunSummary:
    """What the run tells the CLI: per directorate, the bulletins, the messages and the errors."""
    return RunSummary(
        period=str(request.period),
        out_dir=str(request.paths.period_dir(request.period)),
        rows=summary_rows(view.ranking, view.inputs),
        bulletins=bulletins,
        deliveries=deliveries,
        errors=errors,
        undelivered=undelivered(records, request.channel),
        channel=request.channel,
        held=held,
        unused=unused,
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


def publish_summary(summary: RunSummary, ranking: pd.DataFrame) -> None:
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
    unused = "".join(f"\n- {line}" for line in summary.unused)
    create_table_artifact(
        key=f"run-{summary.period.lower()}",
        table=rows,
        description=f"Nashra {summary.period}: {summary.bulletins} bulletins; deliveries: {deliveries}; "
        f"errors: {len(summary.errors)}; undelivered: {len(summary.undelivered)}{held}"
        + (f"\n\nNot used in the week's folder:{unused}" if unused else ""),
    )


def conclude(
    request: RunRequest,
    view: RunView,
    planned: list,
    sent: tuple[list, Ledger],
    *,
    records: list[dict],
    bulletins: dict,
    errors: list[str],
    held: bool,
    unused: list[str],
) -> RunSummary | State:
    """The run's end: its summary, published as its artifact (its last act, once every output
    is written: the national flow reads an academy's outcome from it), and its final state."""
    tried, ledger = sent
    counts = round_counts(planned, tried, ledger, request.period)
    summary = summarise(
        request,
        view,
        bulletins=len(bulletins),
        deliveries=counts,
        records=records,
        errors=errors,
        held=held,
        unused=unused,
    )
    publish_summary(summary, view.ranking)
    return final_state(summary)


def final_state(summary: RunSummary) -> RunSummary | State:
    """Failed when something failed, stays unsent or is held (the bulletins are written anyway)."""
    if not (summary.undelivered or summary.errors):
        return summary
    reason = (
        NOTHING_ARRIVED.format(period=summary.period)
        if summary.held
        else f"{len(summary.undelivered)} message(s) not delivered: they stay pending"
    )
    return Failed(message=f"{reason}; {len(summary.errors)} error(s)", data=summary)
