"""The evidence workbook written: each sheet right to left (Arabic first), the header frozen and
filterable, text kept as text (a cell that would run as a formula gets a leading `'`, as in the
quarantine files), numbers as numbers, and the recounts as the only formulas.

openpyxl writes the workbook; the rows go in through `sheet_xml` (whole columns at a time), or
through openpyxl's `append` when `sheet_xml.splice` cannot place them (the stock path).
"""

from __future__ import annotations

import re
from datetime import datetime

import pandas as pd

from tasks.outputs.evidence.sheet_xml import rows_xml, splice
from tasks.outputs.tables import FORMULA_START, neutralised
from tasks.outputs.workbook import ZIP_TIME, dated_bytes

ILLEGAL = r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]"  # characters XML 1.0 cannot hold
RISKY_START = re.compile("(?m)" + FORMULA_START)  # a cell a spreadsheet could run, among a column's lines
WIDTHS = (8, 40)


def _text(column: pd.Series) -> bool:
    return column.dtype == object or isinstance(column.dtype, pd.StringDtype)


def _as_cells(frame: pd.DataFrame, formulas: tuple[str, ...]) -> pd.DataFrame:
    """Text made safe for a sheet: formulas neutralised (but in `formulas`), characters XML
    cannot hold replaced by U+FFFD; unknown values None. Each column's text is searched once,
    joined, and rewritten only when something is found (most columns have nothing to change)."""
    frame = frame.astype(object)
    for column in [c for c in frame.columns if c not in formulas]:
        values = frame[column]
        strings = values[values.map(type).eq(str)]
        joined = "\n".join(strings.tolist())
        if re.search(ILLEGAL, joined):
            values = values.copy()
            values[strings.index] = strings.str.replace(ILLEGAL, "\ufffd", regex=True)
        if RISKY_START.search(joined):
            values = neutralised(values.to_frame())[column]
        frame[column] = values
    return frame.where(frame.notna(), None)


def _workbook(sheets: dict[str, pd.DataFrame], *, stamp: datetime, title: str, with_rows: bool) -> bytes:
    """The workbook with each sheet's header, view and filter; its rows too when `with_rows`."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    workbook.properties.title = title
    for name, frame in sheets.items():
        sheet = workbook.create_sheet(name)
        sheet.sheet_view.rightToLeft = True
        sheet.freeze_panes = "A2"
        for position, column in enumerate(frame.columns, start=1):
            width = max(WIDTHS[0], min(WIDTHS[1], len(str(column)) + 2))
            sheet.column_dimensions[get_column_letter(position)].width = width
        header = []
        for column in frame.columns:
            cell = WriteOnlyCell(sheet, str(column))
            cell.font = Font(bold=True)
            header.append(cell)
        sheet.append(header)
        if with_rows:
            for values in frame.itertuples(index=False, name=None):
                sheet.append(values)
        sheet.auto_filter.ref = f"A1:{get_column_letter(max(1, len(frame.columns)))}{len(frame) + 1}"
    return dated_bytes(workbook, stamp)


def workbook_bytes(sheets: dict[str, pd.DataFrame], *, stamp: datetime, title: str, formulas: tuple[str, ...]) -> bytes:
    """`sheets` (title -> frame, header = row 1) as one workbook dated `stamp`."""
    cells = {name: _as_cells(frame, formulas) for name, frame in sheets.items()}
    headed = _workbook(cells, stamp=stamp, title=title, with_rows=False)
    spliced = splice(headed, [rows_xml(frame, formulas) for frame in cells.values()], ZIP_TIME)
    return spliced if spliced is not None else _workbook(cells, stamp=stamp, title=title, with_rows=True)
