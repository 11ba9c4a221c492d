"""`nashra explain` (issue 26): a figure of a week already run, explained from what the run wrote
— rankings.csv for the figures and the ranking, the directorate's evidence workbook for the
definitions, the files (sha256) and the rows set aside — without a Prefect server.

`explained(...)` gathers it; `figure_lines` and `figure_numbers` say it as text or as rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from schemas import labels
from tasks.evaluation.figures import COUNTS, RATE_PARTS, RATES, SOURCE_OF, WEEK_FIGURES
from tasks.evaluation.moves import Standing, ranked_counts, standing
from tasks.outputs.evidence import SHEETS
from tasks.outputs.evidence.sheets import FILE, REASONS, ROW, WOULD_HAVE_COUNTED
from tasks.outputs.evidence.summary import FILE_COLUMNS, WORKED

ROW_FIGURE = {  # a set-aside exam row would have made a candidate examined or certified by counting here
    "candidates_examined": "exams_taken",
    "candidates_certified": "exams_passed",
    "target_progress": "exams_passed",
}


class NotExplained(Exception):
    """What is asked is not in the run's outputs: one line naming what is (exit 2)."""


@dataclass(frozen=True)
class Explained:
    period: str
    code: str
    row: pd.Series  # the directorate's line of rankings.csv
    ranked: pd.DataFrame  # the counts of the ranked directorates, by code
    summary: pd.DataFrame  # the workbook's first sheet, by figure
    files: pd.DataFrame  # every file looked at
    set_aside: pd.DataFrame  # the rows set aside
    workbook: Path

    @property
    def standing(self) -> Standing | None:
        return standing(self.ranked, self.code)


def explained(period_dir: Path, code: str) -> Explained:
    """The run's outputs for `code` in `period_dir` (`<out>/<P>`)."""
    rankings_file = period_dir / "rankings.csv"
    rankings = pd.read_csv(rankings_file, encoding="utf-8-sig", dtype={"data_period": str})
    rankings[list(COUNTS)] = rankings[list(COUNTS)].astype("Int64")  # whole numbers, also beside a missing one
    codes = rankings["directorate_code"].tolist()
    if code not in codes:
        raise NotExplained(f"unknown directorate {code!r}; the run of {period_dir.name} has: {', '.join(codes)}")
    workbook = period_dir / "explain" / f"{code}.xlsx"
    if not workbook.is_file():
        raise NotExplained(
            f"no evidence workbook {workbook} (a run before issue 26?): run the period again "
            f"(nashra run --period {period_dir.name})"
        )
    sheets = pd.read_excel(workbook, sheet_name=[0, 1, 6], engine="calamine")
    return Explained(
        period=period_dir.name,
        code=code,
        row=rankings.set_index("directorate_code").loc[code],
        ranked=ranked_counts(rankings.set_index("directorate_code")),
        summary=sheets[0].set_index("figure"),
        files=sheets[1].rename(columns={v: k for k, v in FILE_COLUMNS.items()}),
        set_aside=sheets[6],
        workbook=workbook,
    )


def _source(figure: str) -> str | None:
    """The file a figure's rows come from (a rate's: its numerator's); None for the target and the score."""
    return SOURCE_OF.get(RATE_PARTS.get(figure, (figure,))[0])


def _value(figure: str, value) -> str:
    if pd.isna(value):
        return "—"
    if figure in RATES:
        return f"{100 * value:.2f} %"
    return f"{value:.2f}" if figure == "score" else str(int(value))


def _file_in_use(e: Explained, source: str) -> pd.Series | None:
    label = " / ".join(labels.SOURCES[source])
    used = e.files[(e.files["source"] == label) & e.files["sha256"].notna()]
    kept = used[~used["status"].astype(str).str.startswith(labels.INPUT_STATUS["rejected"][0])]
    return kept.iloc[0] if len(kept) else None


def would_have_counted(e: Explained, figure: str) -> pd.DataFrame:
    """The rows set aside whose rule would have counted them in `figure` (or in its parts)."""
    parts = RATE_PARTS.get(figure, (figure,))
    wanted = {ROW_FIGURE.get(part, part) for part in parts}
    said = e.set_aside[WOULD_HAVE_COUNTED].fillna("").astype(str)
    named = "|".join(sorted(wanted))
    return e.set_aside[said.str.contains(rf"(?:^|, )(?:{named})(?:,|$)", regex=True)]


def _whole(value):
    """A count read back from the workbook (a float beside an empty cell) as a whole number."""
    return "" if value is None or pd.isna(value) else int(value)


def figure_numbers(e: Explained, figure: str) -> dict:
    """One figure as numbers (`--csv`): value, numerator and denominator, the file, the rows."""
    source = _source(figure)
    used = _file_in_use(e, source) if source else None
    top, bottom = RATE_PARTS.get(figure, (figure, None))
    numbers = {
        "period": e.period,
        "directorate_code": e.code,
        "figure": figure,
        "value": e.row[figure],
        "numerator": top if figure != "score" else "",
        "numerator_value": e.row[top] if figure != "score" else "",
        "denominator": bottom or ("rows_accepted" if used is not None and figure in COUNTS else ""),
        "denominator_value": e.row[bottom] if bottom else _whole(used["rows_accepted"] if used is not None else None),
        "rows_set_aside_that_would_have_counted": len(would_have_counted(e, figure)) if source else "",
        "file": used["file"] if used is not None else "",
        "data_period": used["data_period"] if used is not None else "",
        "sha256": used["sha256"] if used is not None else "",
    }
    return {
        name: "" if value is not None and pd.api.types.is_scalar(value) and pd.isna(value) else value
        for name, value in numbers.items()
    }


def figure_lines(e: Explained, figure: str) -> list[str]:
    """One figure in words: definition (Arabic, French), its parts, its file, the rows set aside."""
    label_ar, label_fr = labels.FIGURES[figure]
    definition_ar, definition_fr = labels.FIGURE_DEFINITIONS[figure]
    lines = [f"{figure} = {_value(figure, e.row[figure])} — {label_ar} / {label_fr}"]
    lines += [f"  التعريف: {definition_ar}", f"  définition : {definition_fr}"]
    worked = e.summary.at[figure, WORKED] if figure in e.summary.index else None
    if isinstance(worked, str) and worked:
        lines.append(f"  formule : {worked}")
    numbers = figure_numbers(e, figure)
    if figure in COUNTS and "" not in (numbers["value"], numbers["denominator_value"]):
        lines.append(f"  lignes comptées : {numbers['value']:.0f} sur {numbers['denominator_value']:.0f} acceptées")
    if numbers["file"]:
        short = str(numbers["sha256"])[:12]
        lines.append(f"  fichier : {numbers['file']} (données de {numbers['data_period']}, sha256 {short}…)")
        if figure in WEEK_FIGURES and numbers["data_period"] != e.period:
            not_ar, not_fr = labels.NOT_RECEIVED_THIS_WEEK
            lines.append(f"  « {not_fr} » / « {not_ar} » : ce fichier est celui de {numbers['data_period']}")
    if figure == "score":
        lines += standing_lines(e.standing)
    elif _source(figure):
        lines += set_aside_lines(would_have_counted(e, figure))
    return lines


def set_aside_lines(rows: pd.DataFrame, shown: int = 5) -> list[str]:
    if rows.empty:
        return ["  lignes écartées qui auraient compté : aucune"]
    lines = [f"  lignes écartées qui auraient compté : {len(rows)}"]
    for _, row in rows.head(shown).iterrows():
        lines.append(f"    {row[FILE]} ligne {row[ROW]} — {row[REASONS]}")
    if len(rows) > shown:
        lines.append(f"    … et {len(rows) - shown} autre(s) : feuille « {SHEETS['set_aside']} » du classeur")
    return lines


def standing_lines(s: Standing | None) -> list[str]:
    """The score's parts, the points to the rank above, and what moves the directorate up."""
    if s is None:
        return ["  non classée cette semaine (données manquantes ou provisoires)"]
    parts = " + ".join(f"{labels.FIGURES[r][1]} {100 * rate:.2f} % → {pts:.2f}" for r, (rate, pts) in s.points.items())
    lines = [f"  rang {s.rank} : {parts} = {s.score:.2f} points"]
    if s.above is not None and s.gap is not None:
        lines.append(f"  {s.gap:.2f} point{'s' if s.gap >= 2 else ''} sous {s.above} (rang {s.rank - 1})")
    for move_ar, move_fr in move_words(s):
        lines.append(f"  {move_fr} / {move_ar}")
    return lines


def move_words(s: Standing) -> list[tuple[str, str]]:
    """What moves it up one rank, in Arabic and French (the first: the lead it holds)."""
    if s.margin is not None:
        return [
            (
                f"في المقدمة بفارق {s.margin:.2f} نقطة",
                f"en tête : {s.margin:.2f} point{'s' if s.margin >= 2 else ''} d'avance sur le deuxième",
            )
        ]
    words = [(f"{m.count} {labels.MOVES[m.what][0]}", f"{m.count} {labels.MOVES[m.what][1]}") for m in s.moves]
    if not words:
        return []
    arabic = "للارتقاء برتبة: " + " أو ".join(w[0] for w in words)
    french = "pour monter d'un rang : " + ", ou ".join(w[1] for w in words)
    return [(arabic, french)]
