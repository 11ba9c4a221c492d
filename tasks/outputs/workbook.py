"""rankings.xlsx beside rankings.csv (issue 11): the same rows for the analyst who opens them in
Excel — numbers as numbers, rates as percentages, Arabic names right to left, the header frozen
and filterable — whatever the language of the Windows that opens it.

The bytes depend only on the rows: the workbook's dates are the period's as-of date and every
part of the archive carries the same fixed time, so a re-run writes the same file.
"""

from __future__ import annotations

import io
import zipfile
from datetime import datetime

import pandas as pd

from tasks.evaluation.figures import FIGURES, RATES
from tasks.evaluation.ranking import RANKING_COLUMNS

ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest a zip entry can say
# Counts as whole numbers, then the rates and the score (figures too) as what they are.
FORMATS = {**dict.fromkeys((*FIGURES, "rank", "rank_change"), "0"), **dict.fromkeys(RATES, "0.0%"), "score": "0.00"}
RIGHT_TO_LEFT = ("name_ar",)


def rankings_xlsx(frame: pd.DataFrame, *, stamp: datetime) -> bytes:
    """The ranking as a one-sheet workbook, dated `stamp` (the period's as-of date)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    columns = list(RANKING_COLUMNS)
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # a new workbook has its sheet
    sheet.title = "rankings"
    sheet.append(columns)
    for values in frame[columns].astype(object).itertuples(index=False):  # one row per directorate
        sheet.append([None if _missing(v) else v for v in values])
    for position, column in enumerate(columns, start=1):
        letter = get_column_letter(position)
        sheet.column_dimensions[letter].width = max(10, min(40, len(column) + 2))
        for (cell,) in sheet.iter_rows(min_row=2, min_col=position, max_col=position):
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text stays text: never a formula
            if column in FORMATS:
                cell.number_format = FORMATS[column]
            if column in RIGHT_TO_LEFT:
                cell.alignment = Alignment(horizontal="right", readingOrder=2)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    return dated_bytes(workbook, stamp)


def dated_bytes(workbook, stamp: datetime) -> bytes:
    """A workbook's bytes dated `stamp` inside and ZIP_TIME on every archive entry: a re-run
    with the same rows writes the same file."""
    from openpyxl.writer.excel import ExcelWriter

    workbook.properties.created = workbook.properties.modified = stamp
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(workbook, archive).save()
    return _fixed_times(buffer.getvalue())


def _missing(value) -> bool:
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


def _fixed_times(data: bytes) -> bytes:
    """The same archive with every entry dated ZIP_TIME, in the same order."""
    source, target = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with source, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in source.infolist():
            entry = zipfile.ZipInfo(item.filename, date_time=ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(entry, source.read(item.filename))
    return target.getvalue()
