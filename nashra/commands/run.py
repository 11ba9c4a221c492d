"""`nashra run`: the weekly flow for one period, with progress and a summary table."""

from __future__ import annotations

import time

from nashra.commands import CommandError, period_or_last, quiet_prefect, run_weekly_flow
from nashra.settings import resolve_channel

STAGES = {
    "scan": "looking for drops in",
    "ingest": "reading and checking",
    "history": "earlier period",
    "figures": "figures and ranking",
    "render": "rendering",
    "deliver": "delivering by",
    "done": "done:",
}


def run(args) -> int:
    from nashra.reference import ReferenceError, load_reference

    period = period_or_last(args.period)
    if not args.raw_dir.is_dir():
        raise CommandError(f"raw folder not found: {args.raw_dir}")
    try:
        load_reference(args.reference_dir)
    except ReferenceError as error:
        raise CommandError(str(error)) from None
    channel = resolve_channel(args.deliver, period)  # the flow resolves `auto` the same way
    if channel == "smtp":
        from nashra.settings import DeliverySettings, SettingsError

        try:
            DeliverySettings.for_channel("smtp")
        except SettingsError as error:
            raise CommandError(str(error)) from None
    from tasks.workers import default_workers

    try:
        default_workers()
    except ValueError as error:
        raise CommandError(str(error)) from None
    quiet_prefect(args.verbose)

    from rich.console import Console

    from nashra import progress

    console = Console(stderr=True)
    started = time.monotonic()
    with console.status(f"Nashra {period}: starting Prefect…") as status:
        progress.listen(lambda stage, detail: status.update(f"Nashra {period}: {STAGES.get(stage, stage)} {detail}"))
        try:
            summary = run_weekly_flow(period, args, channel)
        finally:
            progress.clear()
    if isinstance(summary, BaseException):  # the run itself could not complete
        raise CommandError(f"the run for {period} could not complete: {summary}")
    print_summary(console, summary, channel, time.monotonic() - started)
    return 1 if summary.errors or summary.undelivered else 0


def print_summary(console, summary, channel: str, seconds: float) -> None:
    from rich.table import Table

    table = Table(title=f"Nashra {summary.period} — {summary.out_dir}")
    for column in ("directorate", "status", "data period", "accepted", "quarantined", "rank", "change"):
        table.add_column(column, justify="right" if column in ("accepted", "quarantined", "rank") else "left")
    for row in summary.rows:
        change, rank = row["rank_change"], row["rank"]
        table.add_row(
            row["code"],
            row["data_status"],
            row["data_period"] or "—",
            str(row["accepted"]),
            str(row["quarantined"]),
            "—" if rank is None or rank != rank else str(rank),
            "—" if change is None or change != change else f"{int(change):+d}" if change else "=",
        )
    console.print(table)
    deliveries = ", ".join(f"{n} {s}" for s, n in sorted(summary.deliveries.items())) or "none"
    console.print(f"{summary.bulletins} bulletins; delivery by {channel}: {deliveries}; {seconds:.1f} s")
    if channel == "none":
        console.print(f"Not e-mailed (past period or --deliver none): `nashra deliver --period {summary.period}`")
    for error in summary.errors:
        console.print(f"[red]error:[/red] {error}")
    if summary.undelivered:  # one line per distinct reason, not one per recipient
        reasons: dict[str, int] = {}
        for line in summary.undelivered:
            reason = line.split(": ", 1)[-1]
            reasons[reason] = reasons.get(reason, 0) + 1
        for reason, count in reasons.items():
            console.print(f"[red]{count} message(s) not delivered, kept pending:[/red] {reason}")
        console.print(f"Send them later with `nashra deliver --period {summary.period} --channel {channel}`.")
