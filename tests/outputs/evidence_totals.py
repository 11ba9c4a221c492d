"""Reading an evidence workbook back as a director would check it: each figure's value on the
first sheet, and its recount done here over the sheet its formula names (the rows marked 1 in
the figure's column), then the rates and the score recomputed from the recounts."""

from __future__ import annotations

import csv
import re
from pathlib import Path

from openpyxl import load_workbook

from tasks.evaluation.figures import FIGURES, RATES

SUM = re.compile(r"^=SUM\('(?P<sheet>[^']+)'!(?P<column>[A-Z]+):[A-Z]+\)$")


def _column_sum(workbook, sheet: str, column: str) -> int:
    cells = workbook[sheet][column][1:]  # below the header
    assert all(c.value in (None, 1) for c in cells), f"{sheet}!{column}: a flag other than 1 or empty"
    return sum(1 for c in cells if c.value == 1)


def summary(path: Path) -> dict[str, tuple[object, object]]:
    """figure -> (value written, recount done here); (None, None) for a directorate without figures."""
    workbook = load_workbook(path)
    first = workbook.worksheets[0]
    rows = {row[0]: row for row in first.iter_rows(min_row=2, values_only=True)}
    assert list(rows) == list(FIGURES)
    recounts: dict[str, object] = {}
    for figure, row in rows.items():
        formula = row[4]
        found = SUM.match(formula) if isinstance(formula, str) else None
        recounts[figure] = _column_sum(workbook, found["sheet"], found["column"]) if found else formula
    if rows["score"][3] is None:  # a directorate without figures: only its target, as in rankings.csv
        return {figure: (row[3], recounts[figure]) for figure, row in rows.items()}

    def rate(top, bottom):
        return 0.0 if recounts[bottom] == 0 else recounts[top] / recounts[bottom]

    recounts["consumption_rate"] = rate("vouchers_consumed", "vouchers_allocated")
    recounts["certification_rate"] = rate("exams_passed", "exams_taken")
    recounts["target_progress"] = rate("candidates_certified", "beneficiaries_target")
    recounts["score"] = 100 * (
        0.4 * recounts["consumption_rate"]
        + 0.3 * recounts["certification_rate"]
        + 0.3 * min(recounts["target_progress"], 1)
    )
    return {figure: (rows[figure][3], recounts[figure]) for figure in rows}


def as_in_rankings(figure: str, value) -> str:
    """A value written as rankings.csv writes it."""
    if value is None:
        return ""
    if figure in RATES:
        return f"{value:.6f}"
    if figure == "score":
        return f"{value:.2f}"
    return str(int(value))


def mismatches(period_dir: Path) -> list[str]:
    """Every figure of every directorate whose workbook value or recount differs from rankings.csv."""
    with (period_dir / "rankings.csv").open(encoding="utf-8-sig") as handle:
        rankings = {row["directorate_code"]: row for row in csv.DictReader(handle)}
    wrong = []
    for code, row in rankings.items():
        path = period_dir / "explain" / f"{code}.xlsx"
        if not path.is_file():
            wrong.append(f"{code}: no workbook")
            continue
        for figure, (value, recount) in summary(path).items():
            for what, number in (("value", value), ("recount", recount)):
                if as_in_rankings(figure, number) != row[figure]:
                    wrong.append(f"{code} {figure}: {what} {number!r}, rankings.csv {row[figure]!r}")
    return wrong
