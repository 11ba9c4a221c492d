"""The reminders' flow (issue 14): before the bulletins, each directorate with no accepted file
yet for the period is reminded, and the regional recipients get the roll call — once per period
and recipient (the ledger's kind `reminder`). Wiring only: the rules are tasks/delivery/reminders.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from prefect import flow, task
from prefect.runtime import flow_run
from prefect.states import Failed, State

from flows import stages
from flows.stages import quiet
from flows.summary import run_name, undelivered
from nashra.paths import RunPaths
from nashra.reference import Reference, load_reference
from nashra.request import RunRequest
from tasks.delivery.ledger import REMINDER, SENT
from tasks.delivery.ledger_check import ledger_to_read
from tasks.delivery.letters import Letter
from tasks.delivery.reminders import Standing, plan_reminders, standings, to_remind
from tasks.delivery.rounds import delivery_records
from tasks.intake.discover import scan_folders
from tasks.intake.ingest import WeekFiles

Channel = Literal["auto", "outbox", "smtp", "none"]


@dataclass
class ReminderSummary:
    period: str
    waiting: dict[str, list[str]]  # directorate -> its sources not accepted, with what became of them
    written: list[str]  # `reminder to x@y (FES)`: this run's messages (or, dry, those it would write)
    dry_run: bool = False
    unsent: list[str] = field(default_factory=list)


@task(name="read-the-week-s-files", **quiet)
def read_week(request: RunRequest, reference: Reference) -> list[Standing]:
    """Every directorate's files of the period read and checked as the weekly run will (here,
    in this process: a few small files), each source's standing."""
    folders = scan_folders(request.paths.raw_dir, request.period, reference.codes, reference.directorate_names)
    directorates = WeekFiles.of(reference, request.period, folders).read_all(reference.codes)
    return standings(directorates, folders[0])


def not_sent_yet(letters: list[Letter], request: RunRequest) -> list[Letter]:
    """The letters the ledger has not sent already (read only: a dry run writes nothing)."""
    ledger = ledger_to_read(request.paths.ledger)
    if ledger is None:
        return letters
    known = [ledger.find(str(request.period), x.kind, x.email, x.edition_key) for x in letters]
    return [letter for letter, entry in zip(letters, known, strict=True) if entry is None or entry.status != SENT]


@flow(name="weekly-reminders", flow_run_name=run_name("reminders"))
def weekly_reminders(
    period: str | None = None,
    raw_dir: str | None = None,
    reference_dir: str | None = None,
    out_dir: str | None = None,
    state_dir: str | None = None,
    deliver: Channel = "auto",
    dry_run: bool = False,
) -> ReminderSummary | State:
    """Reminders for one ISO week (default: the week that has just ended, whose bulletins come next).

    Args:
        period: ISO week such as 2026-W47; empty for the week before the scheduled time.
        raw_dir: folder of the weekly drops (default data/raw).
        reference_dir: folder of the reference data (default data/reference).
        out_dir: folder of the reports (the messages' outbox: <out>/<period>/outbox).
        state_dir: folder of the delivery ledger.
        deliver: outbox, smtp, none, or auto (the week just ended by NASHRA_DELIVERY, a past one not).
        dry_run: list who would be written to; write and send nothing.
    """
    paths = RunPaths.with_defaults(raw_dir, reference_dir, out_dir, state_dir)
    request = RunRequest.parse(period, paths, deliver, flow_run.scheduled_start_time)
    reference = load_reference(paths.reference_dir)
    found = read_week(request, reference)
    letters = plan_reminders(reference, request.period, found)
    waiting = {code: [f"{s.source} {s.outcome}" for s in sources] for code, sources in to_remind(found).items()}
    summary = ReminderSummary(str(request.period), waiting, [], dry_run=dry_run)
    if dry_run:
        summary.written = [f"reminder to {x.email} ({x.scope})" for x in not_sent_yet(letters, request)]
        return summary
    resources = stages.Resources.of(request)
    resources.ledger.withdraw(str(request.period), REMINDER, keep={letter.email for letter in letters})
    tried, ledger = stages.deliver(request, resources, letters, False, kinds=(REMINDER,))
    now = {(e.recipient, e.edition_key) for e in tried}
    summary.written = [
        f"reminder to {e.recipient} ({e.scope}): {e.status}"
        for e in ledger.entries(str(request.period))
        if e.kind == REMINDER and (e.recipient, e.edition_key) in now
    ]
    summary.unsent = undelivered(delivery_records(ledger, request.period), request.channel, kinds=(REMINDER,))
    return Failed(message="; ".join(summary.unsent), data=summary) if summary.unsent else summary
