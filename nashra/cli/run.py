"""`nashra run`: the weekly flow for one period, with progress (stderr) and a summary (stdout)."""

from __future__ import annotations

import sys
import time

from nashra.cli.common import (
    EXIT_INCOMPLETE,
    EXIT_OK,
    CommandError,
    period_or_last,
    prefect_server,
    quiet_prefect,
    run_weekly_flow,
)
from nashra.paths import RunPaths
from nashra.periods import Period
from nashra.request import RunRequest

STAGES = {
    "scan": "looking for drops in",
    "ingest": "reading and checking",
    "history": "earlier period",
    "figures": "figures and ranking",
    "render": "rendering",
    "deliver": "delivering by",
    "done": "done:",
}
# How the summary says what became of the period's messages.
DELIVERY_WORDS = {
    "sent": "sent now",
    "already_sent": "already sent earlier",
    "pending": "waiting to be sent",
    "failed": "not sent (kept, to send again)",
    "held": "held (nothing arrived this week)",
    "in_doubt": "in doubt (sent once more next time)",
    "unconfirmed": "unconfirmed (never sent again by itself)",
    "refused": "refused by the server",
    "superseded": "replaced by a newer edition",
}


def prepare(args, period: Period, deliver: str) -> RunRequest:
    """Check every setting a run depends on, before anything is read or written (exit 2)."""
    from flows.forkserver import start_early
    from nashra.periods import PeriodError
    from nashra.settings import SettingsError, dask_address, worker_count

    paths = RunPaths(args.raw_dir, args.reference_dir, args.out_dir, args.state_dir)
    if not paths.raw_dir.is_dir():
        raise CommandError(f"raw folder not found: {paths.raw_dir}")
    try:
        request = RunRequest.parse(period, paths, deliver)
        worker_count(), dask_address()  # where the work goes, checked before it starts
    except (SettingsError, PeriodError) as error:
        raise CommandError(str(error)) from None
    start_early()  # the workers' imports, on the other core, while this one reads and imports Prefect
    from nashra.reference import ReferenceError, load_reference
    from tasks.delivery.ledger import LedgerError
    from tasks.delivery.ledger_check import check_ledger

    try:
        load_reference(paths.reference_dir)
        check_ledger(paths.ledger, paths.out_dir)
    except (ReferenceError, LedgerError) as error:
        raise CommandError(str(error)) from None
    return request


def run(args) -> int:
    quiet_prefect(args.verbose)  # before the workers' server starts: it keeps the environment it starts with
    request = prepare(args, period_or_last(args.period), args.deliver)

    from rich.console import Console

    from nashra import progress

    console = Console(stderr=True)
    started = time.monotonic()
    with console.status(f"Nashra {request.period}: starting Prefect…") as status:
        progress.listen(
            lambda stage, detail: status.update(f"Nashra {request.period}: {STAGES.get(stage, stage)} {detail}")
        )
        try:
            with prefect_server():
                summary = run_weekly_flow(request)
        finally:
            progress.clear()
    if isinstance(summary, BaseException):  # the run itself could not complete
        raise summary
    print_summary(summary, request.channel, time.monotonic() - started)
    return EXIT_INCOMPLETE if summary.errors or summary.undelivered or summary.held else EXIT_OK


def _whole(value) -> int | None:
    """A rank or rank change as an int; None for None, NaN and pandas' NA (which has no truth value)."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def rank_text(rank) -> str:
    value = _whole(rank)
    return "—" if value is None else str(value)


def change_text(change) -> str:
    """`+2`, `-1`, `=` for no move, `—` when there was no rank to compare (first week, unranked)."""
    value = _whole(change)
    if value is None:
        return "—"
    return f"{value:+d}" if value else "="


def delivery_line(counts: dict[str, int], channel: str) -> str:
    said = ", ".join(f"{n} {DELIVERY_WORDS.get(s, s)}" for s, n in sorted(counts.items())) or "no message"
    how = "not e-mailed" if channel == "none" else f"by {channel}"
    return f"messages {how}: {said}"


def print_summary(summary, channel: str, seconds: float) -> None:
    """The table of directorates and the line about messages on stdout; advice on stderr."""
    from rich.console import Console
    from rich.table import Table

    out, err = Console(file=sys.stdout, width=120), Console(stderr=True, soft_wrap=True)
    table = Table(title=f"Nashra {summary.period} — {summary.out_dir}")
    for column in ("directorate", "status", "data period", "accepted", "quarantined", "rank", "change"):
        table.add_column(column, justify="right" if column in ("accepted", "quarantined", "rank") else "left")
    for row in summary.rows:
        table.add_row(
            row["code"],
            row["data_status"],
            row["data_period"] if isinstance(row["data_period"], str) else "—",  # NaN when missing
            str(row["accepted"]),
            str(row["quarantined"]),
            rank_text(row["rank"]),
            change_text(row["rank_change"]),
        )
    out.print(table)
    out.print(f"{summary.bulletins} bulletins; {delivery_line(summary.deliveries, channel)}; {seconds:.1f} s")
    if summary.held:
        from flows.summary import NOTHING_ARRIVED

        err.print(f"[yellow]{NOTHING_ARRIVED.format(period=summary.period)}[/yellow]")
    elif channel == "none":
        err.print(f"Past period, not e-mailed: send with `nashra deliver --period {summary.period}`.")
    for error in summary.errors:
        err.print(f"[red]error:[/red] {error}")
    for line in summary.unused:
        err.print(f"[yellow]not used:[/yellow] {line}", highlight=False)
    if summary.undelivered and not summary.held:  # one line per distinct reason, not one per recipient
        reasons: dict[str, int] = {}
        for line in summary.undelivered:
            reason = line.split(": ", 1)[-1]
            reasons[reason] = reasons.get(reason, 0) + 1
        for reason, count in reasons.items():
            err.print(f"[red]{count} message(s) not delivered:[/red] {reason}")
        err.print(
            f"See them with `nashra deliveries --period {summary.period}`; send again with "
            f"`nashra deliver --period {summary.period} --channel {channel}`."
        )
