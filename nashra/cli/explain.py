"""`nashra explain --period P --directorate CODE [--figure NAME] [--csv]` (issue 26): every figure
of a directorate's week, or one, explained from the run's outputs — no Prefect server, no
reading of the raw files. What it does not know (period, directorate, figure) is exit 2 with
the names it knows."""

from __future__ import annotations

import csv
import sys

from nashra.cli.common import EXIT_OK, CommandError
from nashra.periods import Period, PeriodError


def _period_dir(args):
    try:
        period = str(Period.parse(args.period))
    except PeriodError as error:
        raise CommandError(f"--period: {error}") from None
    folder = args.out_dir / period
    if not (folder / "rankings.csv").is_file():
        runs = sorted(p.name for p in args.out_dir.glob("*-W*") if (p / "rankings.csv").is_file())
        known = ", ".join(runs) if runs else "none"
        raise CommandError(f"no run of {period} in {args.out_dir}; periods run: {known}")
    return folder


def explain(args) -> int:
    from schemas import labels
    from tasks.evaluation.figures import FIGURES
    from tasks.outputs.explanation import NotExplained, explained, figure_lines, figure_numbers

    if args.figure is not None and args.figure not in FIGURES:
        raise CommandError(f"unknown figure {args.figure!r}; figures: {', '.join(FIGURES)}")
    folder = _period_dir(args)
    try:
        e = explained(folder, args.directorate.upper())
    except NotExplained as error:
        raise CommandError(str(error)) from None
    figures = [args.figure] if args.figure else list(FIGURES)
    if args.csv:
        rows = [figure_numbers(e, figure) for figure in figures]
        writer = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        return EXIT_OK
    row = e.row
    rank = "non classée" if row.isna()["rank"] else f"rang {int(row['rank'])}/{len(e.ranked)}"
    status_ar, status_fr = labels.DATA_STATUS[row["data_status"]]
    print(f"{e.code} — {row['name_fr']} / {row['name_ar']} · {e.period} · {rank} · données {status_fr} / {status_ar}")
    print(f"rankings.csv et {e.workbook.relative_to(folder)} de {folder}")
    for figure in figures:
        print()
        print("\n".join(figure_lines(e, figure)))
    return EXIT_OK
