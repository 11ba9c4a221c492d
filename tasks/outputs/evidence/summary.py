"""The evidence workbook's first two sheets: the figures (the values of rankings.csv, each with a
recount over the sheets behind it as an Excel formula and its formula written out) and the
files they come from."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from openpyxl.utils import get_column_letter

from schemas import labels
from tasks.evaluation.figures import FIGURES, RATE_PARTS, RATES, SCORE_WEIGHTS, directorate_figures
from tasks.intake.ingest import DirectorateData
from tasks.outputs.evidence.sheets import EvidenceBasis

FIGURE, VALUE, RECOUNT, WORKED = "figure", "القيمة / valeur", "إعادة العد / recompte", "الصيغة / formule"
LABEL_AR, LABEL_FR, DEFINITION_AR, DEFINITION_FR = "الرقم", "intitulé", "التعريف", "définition"
SUMMARY_COLUMNS = (FIGURE, LABEL_AR, LABEL_FR, VALUE, RECOUNT, WORKED, DEFINITION_AR, DEFINITION_FR)


def figures_of(
    data: DirectorateData, ledger: pd.DataFrame, exams: pd.DataFrame, basis: EvidenceBasis
) -> pd.Series | None:
    """The directorate's figures by the run's own function over its rows (None when `missing`:
    rankings.csv has no figures for it either)."""
    if not data.present:
        return None
    targets = pd.Series({data.code: basis.targets[data.code]})
    exams, ledger = exams.assign(directorate=data.code), ledger.assign(directorate=data.code)
    return directorate_figures(exams, ledger, targets, basis.period).iloc[0]


def _cell(figure: str) -> str:
    return f"E{FIGURES.index(figure) + 2}"  # the recount column, figures from row 2


def _recount(figure: str, where: dict[str, str], value) -> str | float | None:
    """The Excel formula that recounts `figure` from the sheet its rows are in (`where`: figure ->
    `'sheet'!column`), or from the other recounts for the rates and the score."""
    if figure in where:
        return f"=SUM({where[figure]})"
    if figure in RATE_PARTS:
        top, bottom = (_cell(part) for part in RATE_PARTS[figure])
        return f"=IF({bottom}=0,0,{top}/{bottom})"
    if figure == "score":
        capped = {rate: _cell(rate) for rate in SCORE_WEIGHTS} | {
            "target_progress": f"MIN({_cell('target_progress')},1)"
        }
        return "=100*(" + "+".join(f"{weight}*{capped[rate]}" for rate, weight in SCORE_WEIGHTS.items()) + ")"
    return value  # beneficiaries_target: the reference's number, no row behind it


def _worked(figure: str, figures: pd.Series) -> str:
    """The formula written out with this directorate's numbers."""
    if figure in RATE_PARTS:
        top, bottom = RATE_PARTS[figure]
        return f"{top} / {bottom} = {figures[top]:.0f} / {figures[bottom]:.0f} = {figures[figure]:.6f}"
    if figure == "score":
        shown = {rate: f"{figures[rate]:.6f}" for rate in SCORE_WEIGHTS}
        shown["target_progress"] = f"min({shown['target_progress']}, 1)"
        terms = " + ".join(f"{weight} × {shown[rate]}" for rate, weight in SCORE_WEIGHTS.items())
        return f"100 × ({terms}) = {figures['score']:.2f}"
    return f"Σ {figure} = {figures[figure]:.0f}"


def _value(figure: str, figures: pd.Series | None, target: int) -> float | int | None:
    if figure == "beneficiaries_target":  # the reference's, even for a directorate without figures
        return target
    if figures is None:
        return None
    return float(figures[figure]) if figure in (*RATES, "score") else int(figures[figure])


def summary_sheet(figures: pd.Series | None, where: dict[str, str], target: int) -> pd.DataFrame:
    """One row per figure of SPEC §4: the value (rankings.csv's), its recount, its formula with
    the numbers, its definition; a directorate without figures has only its target."""
    rows = []
    for figure in FIGURES:
        value = _value(figure, figures, target)
        label_ar, label_fr = labels.FIGURES[figure]
        definition_ar, definition_fr = labels.FIGURE_DEFINITIONS[figure]
        recount = _recount(figure, where, value) if figures is not None or value is not None else None
        worked = "" if figures is None else _worked(figure, figures)
        rows.append((figure, label_ar, label_fr, value, recount, worked, definition_ar, definition_fr))
    return pd.DataFrame(rows, columns=list(SUMMARY_COLUMNS))


def column_sums(sheet_title: str, sheet: pd.DataFrame, exclude: tuple[str, ...] = ()) -> dict[str, str]:
    """figure -> `'title'!X:X`, the column of each figure `sheet` has (but those in `exclude`)."""
    return {
        f: f"'{sheet_title}'!{get_column_letter(i + 1)}:{get_column_letter(i + 1)}"
        for i, f in enumerate(sheet.columns)
        if f in FIGURES and f not in exclude
    }


FILE_COLUMNS = {
    "source": "المصدر / source",
    "status": "الحالة / statut",
    "data_period": "فترة المعطيات / période des données",
    "file": "الملف / fichier",
    "sha256": "sha256",
    "rows_read": "مقروءة / lues",
    "rows_accepted": "مقبولة / acceptées",
    "rows_quarantined": "معزولة / en quarantaine",
    "rows_duplicate": "مكررة / doublons",
    "error": "الخطأ / erreur",
}


def files_sheet(data: DirectorateData) -> pd.DataFrame:
    """Every file looked at for the directorate, as the manifest lists it, named as in the raw folder."""
    records = []
    for record in data.inputs:
        path = Path(record.path) if record.path else None
        status_ar, status_fr = labels.INPUT_STATUS.get(record.status, (record.status, record.status))
        records.append(
            {
                "source": " / ".join(labels.SOURCES[record.source]),
                "status": f"{status_ar} / {status_fr}",
                "data_period": record.data_period,
                "file": f"{record.data_period}/{path.parent.name}/{path.name}" if path else "",
                "sha256": record.sha256,
                "rows_read": record.rows_read,
                "rows_accepted": record.rows_accepted,
                "rows_quarantined": record.rows_quarantined,
                "rows_duplicate": record.rows_duplicate,
                "error": record.error,
            }
        )
    return pd.DataFrame(records, columns=list(FILE_COLUMNS)).rename(columns=FILE_COLUMNS)
