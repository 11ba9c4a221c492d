"""`nashra`: run the weekly flow, generate sample data.

Settings are resolved here, at the edge, and passed in; errors a person can fix are one line.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from pathlib import Path

from nashra.paths import PROJECT_ROOT, RAW_DIR, REFERENCE_DIR, REPORTS_DIR, STATE_DIR
from nashra.periods import Period, PeriodError

STAGES = {
    "scan": "looking for drops in",
    "ingest": "reading and checking",
    "history": "earlier period",
    "figures": "figures and ranking",
    "render": "rendering",
    "deliver": "delivering to the",
    "done": "done:",
}


def _period(text: str) -> Period:
    try:
        return Period.parse(text)
    except PeriodError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="nashra", description="Bulletins hebdomadaires MOS — AREF Fès-Meknès")
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser("run", help="run the weekly flow for one period")
    run.add_argument("--period", help="ISO week, e.g. 2026-W47 (default: the last complete week)")
    run.add_argument("--raw-dir", type=Path, default=RAW_DIR)
    run.add_argument("--reference-dir", type=Path, default=REFERENCE_DIR)
    run.add_argument("--out-dir", type=Path, default=REPORTS_DIR)
    run.add_argument("--state-dir", type=Path, default=STATE_DIR, help="cache of earlier periods' tables")
    run.add_argument("--deliver", choices=["outbox", "none"], default="outbox")
    run.add_argument("--verbose", action="store_true", help="show Prefect's logs")

    check = commands.add_parser("check", help="check one file before sending it (Arabic and French)")
    check.add_argument("file", type=Path)
    check.add_argument("--source", choices=["exam_results", "voucher_ledger"])
    check.add_argument("--directorate", help="the directorate code the file is for")
    check.add_argument("--period", help="ISO week the file is for (default: the last complete week)")
    check.add_argument("--reference-dir", type=Path, default=REFERENCE_DIR)

    previews = commands.add_parser("previews", help="PNG previews of a run's bulletins (docs and visual tests)")
    previews.add_argument("--period", default="2026-W47")
    previews.add_argument("--out-dir", type=Path, default=REPORTS_DIR)
    previews.add_argument("--to", type=Path, default=PROJECT_ROOT / "docs" / "img")

    sample = commands.add_parser("sample-data", help="write the deterministic sample drops")
    sample.add_argument("--out", type=Path, default=RAW_DIR)
    sample.add_argument("--last", type=_period, default=Period.parse("2026-W47"))
    sample.add_argument("--weeks", type=int, default=6)
    sample.add_argument("--seed", type=int, default=2026)
    sample.add_argument("--clean", action="store_true", help="no faulty rows or drops")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "sample-data":
        from nashra.sample_data import generate

        files = generate(args.out, args.last, weeks=args.weeks, seed=args.seed, clean=args.clean)
        print(f"{len(files)} files written under {args.out}")
        return 0
    if args.command == "check":
        return _check(args)
    if args.command == "previews":
        from nashra.previews import write_previews

        bulletins = args.out_dir / args.period / "bulletins"
        if not bulletins.is_dir():
            return _fail(f"no bulletins in {bulletins}: run `nashra run --period {args.period}` first")
        for path in write_previews(bulletins, args.to, args.period):
            print(path)
        return 0
    return _run(args)


def _check(args: argparse.Namespace) -> int:
    """Exit 0 when the file would be used, 1 when it would be rejected, 2 for a wrong call."""
    from nashra.reference import ReferenceError, load_reference
    from tasks.check import check_file, guess_source, render_report

    try:
        period = Period.parse(args.period) if args.period else Period.last_complete()
        reference = load_reference(args.reference_dir)
    except (PeriodError, ReferenceError) as error:
        return _fail(str(error))
    source = args.source or guess_source(args.file)
    if source is None:
        return _fail(f"{args.file.name}: say which file it is with --source exam_results|voucher_ledger")
    if args.directorate and args.directorate.upper() not in reference.codes:
        return _fail(f"unknown directorate {args.directorate!r} (known: {', '.join(reference.codes)})")
    if not args.file.is_file():
        return _fail(f"file not found: {args.file}")
    report = check_file(args.file, source, period, reference)
    if args.directorate:
        name = reference.directorates.loc[args.directorate.upper()]
        print(f"{name['name_ar']} — {name['name_fr']}")
    print(render_report(report))
    return 0 if report.usable else 1


def _fail(message: str) -> int:
    print(f"nashra: error: {message}", file=sys.stderr)
    return 2


def _run(args: argparse.Namespace) -> int:
    from nashra.reference import ReferenceError, load_reference

    try:
        period = Period.parse(args.period) if args.period else Period.last_complete()
    except PeriodError as error:
        return _fail(str(error))
    if not args.raw_dir.is_dir():
        return _fail(f"raw folder not found: {args.raw_dir}")
    try:
        load_reference(args.reference_dir)
    except ReferenceError as error:
        return _fail(str(error))
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    logging.getLogger("sqlalchemy").setLevel(logging.CRITICAL)  # noise when the temporary server stops
    if not args.verbose:
        os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")

    from rich.console import Console

    from flows.weekly import weekly_bulletins
    from nashra import progress

    console = Console(stderr=True)
    started = time.monotonic()
    with console.status(f"Nashra {period}: starting Prefect…") as status:

        def show(stage: str, detail: str) -> None:
            status.update(f"Nashra {period}: {STAGES.get(stage, stage)} {detail}")

        progress.listen(show)
        try:
            summary = weekly_bulletins(
                period=str(period),
                raw_dir=str(args.raw_dir),
                reference_dir=str(args.reference_dir),
                out_dir=str(args.out_dir),
                state_dir=str(args.state_dir),
                deliver=args.deliver,
            )
        except Exception as error:  # the run itself could not complete
            return _fail(f"the run for {period} could not complete: {error}")
        finally:
            progress.clear()
    _print_summary(console, summary, time.monotonic() - started)
    return 1 if summary.errors else 0


def _print_summary(console, summary, seconds: float) -> None:
    from rich.table import Table

    table = Table(title=f"Nashra {summary.period} — {summary.out_dir}")
    for column in ("directorate", "status", "data period", "accepted", "quarantined", "rank", "change"):
        table.add_column(column, justify="right" if column in ("accepted", "quarantined", "rank") else "left")
    for row in summary.rows:
        change = row["rank_change"]
        table.add_row(
            row["code"],
            row["data_status"],
            row["data_period"] or "—",
            str(row["accepted"]),
            str(row["quarantined"]),
            "—" if row["rank"] is None or row["rank"] != row["rank"] else str(row["rank"]),
            "—" if change is None or change != change else f"{int(change):+d}",
        )
    console.print(table)
    deliveries = ", ".join(f"{n} {s}" for s, n in sorted(summary.deliveries.items())) or "none"
    console.print(f"{summary.bulletins} bulletins, deliveries: {deliveries}, {seconds:.1f} s")
    for error in summary.errors:
        console.print(f"[red]error:[/red] {error}")


if __name__ == "__main__":
    sys.exit(main())
