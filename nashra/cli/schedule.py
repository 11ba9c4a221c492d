"""`nashra serve` (the bulletins' and reminders' schedules) and `nashra backfill` (periods in order)."""

from __future__ import annotations

import os
from dataclasses import replace

from nashra.cli.common import (
    EXIT_INCOMPLETE,
    EXIT_OK,
    CommandError,
    check_prefect_server,
    period_or_last,
    prefect_server,
    quiet_prefect,
    run_weekly_flow,
)


def serve(args) -> int:
    if not os.environ.get("PREFECT_API_URL"):
        raise CommandError(
            "serving a schedule needs a long-lived Prefect server: start `prefect server start`, then "
            "set PREFECT_API_URL=http://127.0.0.1:4200/api (see docs/operations.md)"
        )
    quiet_prefect(verbose=True)
    check_prefect_server()
    from prefect import serve as prefect_serve

    from flows.schedule import served_deployments

    prefect_serve(*served_deployments())
    return EXIT_OK


def backfill(args) -> int:
    """Run (or, with --dry-run, describe) every period from --from to --to, oldest first."""
    from nashra.cli.run import prepare
    from nashra.settings import SettingsError, resolve_channel

    first, last = period_or_last(args.start), period_or_last(args.end)
    if first > last:
        raise CommandError(f"--from {first} is after --to {last}")
    periods = [first]
    while periods[-1] < last:
        periods.append(periods[-1].next())
    request = prepare(args, first, args.deliver)
    requests = []
    for period in periods:
        try:
            requests.append(replace(request, period=period, channel=resolve_channel(args.deliver, period)))
        except SettingsError as error:
            raise CommandError(str(error)) from None
    if args.dry_run:
        from flows.backfill import describe

        for one in requests:
            print(describe(one))
        return EXIT_OK
    quiet_prefect(args.verbose)
    with prefect_server():
        return _backfill(requests)


def _backfill(requests) -> int:
    """The periods one after the other; the worst exit status of them."""
    from nashra.cli.run import delivery_line

    worst = EXIT_OK
    for one in requests:
        summary = run_weekly_flow(one)
        if isinstance(summary, BaseException):
            raise summary
        print(
            f"{one.period}: {summary.bulletins} bulletins, {delivery_line(summary.deliveries, one.channel)}, "
            f"{len(summary.errors)} error(s), {len(summary.undelivered)} message(s) not delivered"
        )
        if summary.errors or summary.undelivered or summary.held:
            worst = EXIT_INCOMPLETE
    return worst
