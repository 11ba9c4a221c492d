"""The evidence workbook of a directorate (issue 26): the rows behind every figure of its week.

`<out>/<P>/explain/<CODE>.xlsx`, built in the worker that read the directorate's files (the
only process that has their cells as written) and written with the run's other outputs. Its
first sheet's values are the figures of rankings.csv, each with a recount over the sheets
behind it; `nashra explain` reads it back.
"""

from __future__ import annotations

from datetime import datetime, time

from schemas.headers import EXAM_RESULTS, VOUCHER_LEDGER
from tasks.evaluation.figures import WEEK_FIGURES, with_pass_flag
from tasks.intake.ingest import DirectorateData
from tasks.outputs.evidence.book import workbook_bytes
from tasks.outputs.evidence.sheets import (
    EvidenceBasis,
    accepted_rows,
    candidate_sheet,
    exam_sheet,
    set_aside_sheet,
    voucher_sheet,
    week_sheet,
)
from tasks.outputs.evidence.summary import RECOUNT, column_sums, figures_of, files_sheet, summary_sheet

SHEETS = {
    "summary": "ملخص - Synthèse",
    "files": "ملفات - Fichiers",
    "vouchers": "قسائم - Bons",
    "exams": "امتحانات - Examens",
    "candidates": "مترشحون - Candidats",
    "week": "الأسبوع - Semaine",
    "set_aside": "مستبعدة - Écartées",
}

__all__ = ["SHEETS", "EvidenceBasis", "evidence_workbook"]


def evidence_workbook(data: DirectorateData, basis: EvidenceBasis) -> bytes:
    """The directorate's evidence workbook, dated the period's as-of date."""
    ledger = accepted_rows(data, VOUCHER_LEDGER)
    exam_rows = with_pass_flag(accepted_rows(data, EXAM_RESULTS), basis.passing_scores)
    vouchers, exams = voucher_sheet(data, ledger, basis), exam_sheet(data, exam_rows, basis)
    candidates, week = candidate_sheet(data, exam_rows), week_sheet(vouchers, exams)
    where = (  # each counted figure recounted on the sheet of its family (this week's on its own)
        column_sums(SHEETS["vouchers"], vouchers, exclude=WEEK_FIGURES)
        | column_sums(SHEETS["exams"], exams, exclude=WEEK_FIGURES)
        | column_sums(SHEETS["candidates"], candidates)
        | column_sums(SHEETS["week"], week)
    )
    figures = figures_of(data, ledger, exam_rows, basis)
    sheets = {
        SHEETS["summary"]: summary_sheet(figures, where, basis.targets[data.code]),
        SHEETS["files"]: files_sheet(data),
        SHEETS["vouchers"]: vouchers,
        SHEETS["exams"]: exams,
        SHEETS["candidates"]: candidates,
        SHEETS["week"]: week,
        SHEETS["set_aside"]: set_aside_sheet(data, basis),
    }
    stamp = datetime.combine(basis.period.as_of, time(0))
    return workbook_bytes(sheets, stamp=stamp, title=f"{data.code} {basis.period}", formulas=(RECOUNT,))
