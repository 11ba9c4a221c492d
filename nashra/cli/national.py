"""`nashra national`: every academy's weekly run on the work pool, then the national roll-up.

It needs a long-lived Prefect server with the `academy` deployment and workers of its pool
(docs/operations.md, "A national installation"): the academy runs are deployment runs, taken by
whichever worker is free, on any machine that shares the folders."""

from __future__ import annotations

import os

from nashra.cli.common import (
    EXIT_INCOMPLETE,
    EXIT_OK,
    CommandError,
    check_prefect_server,
    finished,
    period_or_last,
    quiet_prefect,
)


def national(args) -> int:
    from nashra.academies import load_nation
    from nashra.reference import ReferenceError

    period = period_or_last(args.period)
    if not os.environ.get("PREFECT_API_URL"):
        raise CommandError(
            "a national run starts its academy runs on a work pool: start a Prefect server and its "
            "workers, deploy `academy` (prefect.yaml), then set PREFECT_API_URL (see docs/operations.md)"
        )
    if not args.raw_dir.is_dir():
        raise CommandError(f"raw folder not found: {args.raw_dir}")
    try:
        nation = load_nation(args.national_dir)
    except ReferenceError as error:
        raise CommandError(str(error)) from None
    quiet_prefect(args.verbose)
    check_prefect_server()
    from flows.national import national_bulletins

    state = national_bulletins(
        period=str(period),
        raw_dir=str(args.raw_dir),
        out_dir=str(args.out_dir),
        state_dir=str(args.state_dir),
        national_dir=str(args.national_dir),
        deliver=args.deliver,
        return_state=True,
    )
    summary = finished(state, f"national {period}")
    if summary is None:
        return EXIT_INCOMPLETE
    for code in nation.academies:
        if code in summary.missing:
            print(f"{code}  missing: {summary.missing[code]}")
        else:
            run = summary.runs[code]
            print(f"{code}  run {run.run_id}" + (f"  ({run.warning})" if run.warning else ""))
    print(f"national ranking: {summary.table}")
    print(f"national bulletin: {summary.bulletin}")
    for line in summary.unsent:
        print(f"unsent: {line}")
    return EXIT_OK if state.is_completed() else EXIT_INCOMPLETE
