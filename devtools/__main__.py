"""`python -m devtools …`: the developers' tools, apart from the `nashra` command (they are not
in the wheel): `previews` (the pictures of docs/ and the visual test's references),
`sample-data` (the committed sample drops), `national-sample` (the academies' generated drops).
`make previews` and `make sample-data` call them."""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from nashra.paths import NATIONAL_RAW_DIR, PROJECT_ROOT, RAW_DIR, REPORTS_DIR
from nashra.periods import Period, PeriodError

HELP = argparse.ArgumentDefaultsHelpFormatter


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="python -m devtools", description="Nashra's developer tools")
    commands = root.add_subparsers(dest="command", required=True)
    previews = commands.add_parser(
        "previews", help="PNG previews of a run's bulletins (docs and visual tests)", formatter_class=HELP
    )
    previews.add_argument("--period", default="2026-W47")
    previews.add_argument("--out-dir", type=Path, default=REPORTS_DIR, help="where the run wrote its reports")
    previews.add_argument("--to", type=Path, default=PROJECT_ROOT / "docs" / "img")

    sample = commands.add_parser("sample-data", help="write the deterministic sample drops", formatter_class=HELP)
    sample.add_argument("--out", type=Path, default=RAW_DIR)
    sample.add_argument("--last", default="2026-W47")
    sample.add_argument("--weeks", type=int, default=6)
    sample.add_argument("--seed", type=int, default=2026)
    sample.add_argument("--clean", action="store_true", help="no faulty rows or drops")

    national = commands.add_parser(
        "national-sample",
        help="write synthetic drops up to 2026-W47 for the academies of data/national (one folder each)",
        formatter_class=HELP,
    )
    national.add_argument("--out", type=Path, default=NATIONAL_RAW_DIR)
    national.add_argument("--rows", type=int, default=300, help="exam rows per directorate at the last week")
    national.add_argument("--weeks", type=int, default=2)
    national.add_argument("--only", default="", help="academy codes, comma-separated (default: all)")
    return root


def previews(args) -> int:
    from devtools.previews import write_email_previews, write_previews, write_report_previews, write_sections

    bulletins = args.out_dir / args.period / "bulletins"
    if not bulletins.is_dir():
        return stop(f"no bulletins in {bulletins}: run `nashra run --period {args.period}` first")
    for path in write_previews(bulletins, args.to, args.period):
        print(path)
    for path in write_sections(bulletins / f"bulletin_FES_{args.period}.pdf", args.to):
        print(path)
    outbox = args.out_dir / args.period / "outbox"
    if shutil.which("chromium") and outbox.is_dir():  # the e-mail's HTML as a browser shows it
        for path in write_email_previews(outbox, args.to):
            print(path)
    if shutil.which("chromium"):  # the quality report, opened offline
        for path in write_report_previews(args.out_dir / args.period / "validation", args.to):
            print(path)
    return 0


def sample_data(args) -> int:
    from devtools.sample_data import generate

    try:
        last = Period.parse(args.last)
    except PeriodError as error:
        return stop(str(error))
    files = generate(args.out, last, weeks=args.weeks, seed=args.seed, clean=args.clean)
    print(f"{len(files)} files written under {args.out}")
    return 0


def national_sample(args) -> int:
    from devtools.national_sample import write_national_sample

    only = [code.strip() for code in args.only.split(",") if code.strip()]
    try:
        written = write_national_sample(args.out, exam_rows=args.rows, weeks=args.weeks, only=only)
    except ValueError as error:
        return stop(str(error))
    print(f"{len(written)} academies written under {args.out}: {', '.join(written)}")
    return 0


def stop(message: str) -> int:
    print(f"python -m devtools: error: {message}", file=sys.stderr)
    return 2


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return {"previews": previews, "sample-data": sample_data, "national-sample": national_sample}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
