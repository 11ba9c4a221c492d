"""The `nashra` sub-commands, one module each; `nashra/cli.py` parses and dispatches."""

from __future__ import annotations

import logging
import os
import sys

from nashra.periods import Period, PeriodError


class CommandError(Exception):
    """A mistake the person can fix: printed as one line, exit status 2."""


def fail(message: str) -> int:
    print(f"nashra: error: {message}", file=sys.stderr)
    return 2


def period_or_last(text: str | None) -> Period:
    try:
        return Period.parse(text) if text else Period.last_complete()
    except PeriodError as error:
        raise CommandError(str(error)) from None


def quiet_prefect(verbose: bool = False) -> None:
    """Prefect offline and quiet unless asked (set before Prefect is imported)."""
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    logging.getLogger("sqlalchemy").setLevel(logging.CRITICAL)  # noise when the temporary server stops
    if not verbose:
        os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")


def run_weekly_flow(period: Period, args, channel: str):
    """One run of the weekly flow with the command's folders; returns its summary or the exception."""
    from flows.weekly import weekly_bulletins

    state = weekly_bulletins(
        period=str(period),
        raw_dir=str(args.raw_dir),
        reference_dir=str(args.reference_dir),
        out_dir=str(args.out_dir),
        state_dir=str(args.state_dir),
        deliver=channel,
        return_state=True,
    )
    return state.result(raise_on_failure=False)
