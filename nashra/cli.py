"""`nashra`: the command line. Settings are resolved here, at the edge, and passed in; errors a
person can fix are one line (exit 2), never a traceback."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from nashra.commands import CommandError, fail
from nashra.paths import PROJECT_ROOT, RAW_DIR, REFERENCE_DIR, REPORTS_DIR, STATE_DIR
from schemas.headers import SOURCES

CHANNELS = ["auto", "outbox", "smtp", "none"]


def _folders(command: argparse.ArgumentParser, *names: str) -> None:
    defaults = {"raw-dir": RAW_DIR, "reference-dir": REFERENCE_DIR, "out-dir": REPORTS_DIR, "state-dir": STATE_DIR}
    for name in names:
        command.add_argument(f"--{name}", type=Path, default=defaults[name])


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="nashra", description="Bulletins hebdomadaires MOS — AREF Fès-Meknès")
    commands = root.add_subparsers(dest="command", required=True)

    run = commands.add_parser("run", help="run the weekly flow for one period")
    run.add_argument("--period", help="ISO week, e.g. 2026-W47 (default: the last complete week)")
    _folders(run, "raw-dir", "reference-dir", "out-dir", "state-dir")
    run.add_argument(
        "--deliver",
        choices=CHANNELS,
        default="auto",
        help="auto (default): the week just ended is delivered, a past period is not",
    )
    run.add_argument("--verbose", action="store_true", help="show Prefect's logs")

    check = commands.add_parser("check", help="check one file before sending it (Arabic and French)")
    check.add_argument("file", type=Path)
    check.add_argument("--source", choices=list(SOURCES))
    check.add_argument("--directorate", help="the directorate code the file is for")
    check.add_argument("--period", help="ISO week the file is for (default: the last complete week)")
    _folders(check, "reference-dir")

    deliver = commands.add_parser("deliver", help="send what is pending for a period")
    deliver.add_argument("--period")
    deliver.add_argument("--channel", choices=["outbox", "smtp"], default="outbox")
    _folders(deliver, "out-dir", "state-dir")

    deliveries = commands.add_parser("deliveries", help="the delivery ledger of a period")
    deliveries.add_argument("--period")
    _folders(deliveries, "state-dir")

    commands.add_parser("serve", help="serve the weekly schedule on a Prefect server (PREFECT_API_URL)")

    backfill = commands.add_parser("backfill", help="run periods in order, or describe them with --dry-run")
    backfill.add_argument("--from", dest="start", required=True)
    backfill.add_argument("--to", dest="end", required=True)
    backfill.add_argument("--dry-run", action="store_true")
    backfill.add_argument("--deliver", choices=CHANNELS, default="none")
    backfill.add_argument("--verbose", action="store_true")
    _folders(backfill, "raw-dir", "reference-dir", "out-dir", "state-dir")

    previews = commands.add_parser("previews", help="PNG previews of a run's bulletins (docs and visual tests)")
    previews.add_argument("--period", default="2026-W47")
    _folders(previews, "out-dir")
    previews.add_argument("--to", type=Path, default=PROJECT_ROOT / "docs" / "img")

    sample = commands.add_parser("sample-data", help="write the deterministic sample drops")
    sample.add_argument("--out", type=Path, default=RAW_DIR)
    sample.add_argument("--last", default="2026-W47")
    sample.add_argument("--weeks", type=int, default=6)
    sample.add_argument("--seed", type=int, default=2026)
    sample.add_argument("--clean", action="store_true", help="no faulty rows or drops")
    return root


def _previews(args) -> int:
    from nashra.previews import write_previews

    bulletins = args.out_dir / args.period / "bulletins"
    if not bulletins.is_dir():
        raise CommandError(f"no bulletins in {bulletins}: run `nashra run --period {args.period}` first")
    for path in write_previews(bulletins, args.to, args.period):
        print(path)
    return 0


def _sample(args) -> int:
    from nashra.commands import period_or_last
    from nashra.sample_data import generate

    files = generate(args.out, period_or_last(args.last), weeks=args.weeks, seed=args.seed, clean=args.clean)
    print(f"{len(files)} files written under {args.out}")
    return 0


def main(argv: list[str] | None = None) -> int:
    from nashra.commands import check, deliver, run, schedule

    args = parser().parse_args(argv)
    handlers = {
        "run": run.run,
        "check": check.check,
        "deliver": deliver.deliver,
        "deliveries": deliver.deliveries,
        "serve": schedule.serve,
        "backfill": schedule.backfill,
        "previews": _previews,
        "sample-data": _sample,
    }
    try:
        return handlers[args.command](args)
    except CommandError as error:
        return fail(str(error))


if __name__ == "__main__":
    sys.exit(main())
