"""`nashra history`: the programme's weeks from the history database — one directorate's series
(`--directorate FES [--from 2026-W40 --to 2026-W47]`) or one week across directorates
(`--period P`), as a table or `--csv`. The current version of each period (docs/history.md)."""

from __future__ import annotations

import sys

from nashra.cli.common import EXIT_OK, CommandError
from nashra.periods import Period, PeriodError

RATES = ("consumption_rate", "certification_rate", "target_progress")
HEADINGS = {
    "period": "period",
    "directorate_code": "code",
    "rank": "rank",
    "score": "score",
    "consumption_rate": "consumption",
    "certification_rate": "certification",
    "target_progress": "progress",
    "data_status": "status",
    "provisional": "provisional",
}


def _week(text: str | None, option: str) -> str | None:
    try:
        return str(Period.parse(text)) if text else None
    except PeriodError as error:
        raise CommandError(f"{option}: {error}") from None


def history(args) -> int:
    from nashra.settings import SettingsError, history_database_url
    from tasks.outputs.history_db import HistoryError, connect, read_history

    first, last, period = _week(args.start, "--from"), _week(args.end, "--to"), _week(args.period, "--period")
    try:
        url = history_database_url(args.state_dir)
    except SettingsError as error:
        raise CommandError(str(error)) from None
    if url.startswith("sqlite:///") and not args.state_dir.joinpath("history.sqlite").is_file():
        raise CommandError(f"no history database in {args.state_dir}: run a period first (nashra run, nashra backfill)")
    try:
        engine = connect(url)
        series = read_history(engine, directorate=args.directorate, period=period, first=first, last=last)
        engine.dispose()
    except HistoryError as error:
        raise CommandError(str(error)) from None
    except Exception as error:  # the server is unreachable or refuses the login
        raise CommandError(f"history database: {type(error).__name__}: {str(error).splitlines()[0]}") from None
    shown = series.drop(columns=["directorate_code"] if args.directorate else ["period"])
    if args.csv:
        shown.to_csv(sys.stdout, index=False, lineterminator="\n")
        return EXIT_OK
    if shown.empty:
        print("no rows: nothing recorded for that directorate or week", file=sys.stderr)
        return EXIT_OK
    print(_table(shown))
    return EXIT_OK


def _table(frame) -> str:
    """Aligned columns: rates as percentages, the score with two decimals, `—` where unknown."""
    text = frame.astype(object).where(frame.notna(), None)
    for name in RATES:
        text[name] = [f"{100 * v:.1f} %" if v is not None else "—" for v in text[name]]
    text["score"] = [f"{v:.2f}" if v is not None else "—" for v in text["score"]]
    text = text.map(lambda v: "—" if v is None else str(v)).rename(columns=HEADINGS)
    return text.to_string(index=False)
