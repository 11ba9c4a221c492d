"""`nashra serve` (the weekly deployment on a Prefect server) and `nashra backfill` (periods in order)."""

from __future__ import annotations

import os

from nashra.commands import CommandError, period_or_last, quiet_prefect, run_weekly_flow


def serve(args) -> int:
    if not os.environ.get("PREFECT_API_URL"):
        raise CommandError(
            "serving a schedule needs a long-lived Prefect server: start `prefect server start`, then "
            "set PREFECT_API_URL=http://127.0.0.1:4200/api (see docs/operations.md)"
        )
    quiet_prefect(verbose=True)
    from prefect import serve as prefect_serve

    from flows.schedule import weekly_deployment

    prefect_serve(weekly_deployment())
    return 0


def backfill(args) -> int:
    """Run (or, with --dry-run, describe) every period from --from to --to, oldest first."""
    first, last = period_or_last(args.start), period_or_last(args.end)
    if first > last:
        raise CommandError(f"--from {first} is after --to {last}")
    periods = [first]
    while periods[-1] < last:
        periods.append(periods[-1].next())
    if args.dry_run:
        from tasks.backfill import describe

        for period in periods:
            print(describe(period, args.raw_dir, args.reference_dir, args.out_dir, args.state_dir, args.deliver))
        return 0
    quiet_prefect(args.verbose)

    worst = 0
    for period in periods:
        summary = run_weekly_flow(period, args, args.deliver)
        if isinstance(summary, BaseException):
            print(f"{period}: could not complete: {summary}")
            worst = 1
            continue
        deliveries = ", ".join(f"{n} {s}" for s, n in sorted(summary.deliveries.items())) or "none"
        print(
            f"{period}: {summary.bulletins} bulletins, deliveries {deliveries}, errors {len(summary.errors)}, "
            f"undelivered {len(summary.undelivered)}"
        )
        worst = max(worst, 1 if summary.errors or summary.undelivered else 0)
    return worst
