"""`nashra remind [--period P] [--dry-run]`: the reminders' flow for a period — who has not sent
an accepted file yet is written to, the regional recipients get the roll call; with --dry-run,
who would be written to, and nothing is written or sent."""

from __future__ import annotations

from nashra.cli.common import (
    EXIT_INCOMPLETE,
    EXIT_OK,
    finished,
    flow_parameters,
    period_or_last,
    prefect_server,
    quiet_prefect,
)
from nashra.cli.run import prepare


def remind(args) -> int:
    request = prepare(args, period_or_last(args.period), args.deliver)
    quiet_prefect(args.verbose)
    with prefect_server():
        from flows.reminders import weekly_reminders

        state = weekly_reminders(**flow_parameters(request), dry_run=args.dry_run, return_state=True)
    summary = finished(state, f"reminders {request.period}")
    if summary is None:
        return EXIT_INCOMPLETE
    if not summary.waiting:
        print(f"{summary.period}: every directorate's files are in; nobody to remind")
    for code, sources in summary.waiting.items():
        print(f"{code}  {', '.join(sources)}")
    heading = "would write (dry run, nothing written)" if summary.dry_run else f"by {request.channel}"
    print(f"reminders {heading}: {len(summary.written)}")
    for line in summary.written:
        print(f"  {line}")
    for line in summary.unsent:
        print(f"unsent: {line}")
    return EXIT_OK if state.is_completed() else EXIT_INCOMPLETE
