"""The evidence workbook written: each sheet right to left (Arabic first), the header frozen and
filterable, text kept as text (a cell that would run as a formula gets a leading `'`, as in the
quarantine files), numbers as numbers, and the recounts as the only formulas."""

from __future__ import annotations

from datetime import datetime

import pandas as pd

from tasks.outputs.tables import neutralised
from tasks.outputs.workbook import dated_bytes

ILLEGAL = r"[\x00-\x08\x0b\x0c\x0e-\x1f]"  # control characters XML 1.0 cannot hold
WIDTHS = (8, 40)


def _as_cells(frame: pd.DataFrame, formulas: tuple[str, ...]) -> pd.DataFrame:
    """Text made safe for a sheet: formulas neutralised (but in `formulas`), control characters
    replaced by U+FFFD; unknown values empty."""
    text_columns = [c for c in frame.columns if frame[c].dtype == object and c not in formulas]
    frame = frame.copy()
    if text_columns:
        frame[text_columns] = neutralised(frame[text_columns])
        for column in text_columns:
            values = frame[column]
            strings = values.map(type).eq(str)
            if strings.any():
                frame[column] = values.where(~strings, values[strings].str.replace(ILLEGAL, "\ufffd", regex=True))
    return frame.astype(object).where(frame.notna(), None)


def workbook_bytes(sheets: dict[str, pd.DataFrame], *, stamp: datetime, title: str, formulas: tuple[str, ...]) -> bytes:
    """`sheets` (title -> frame, header = row 1) as one workbook dated `stamp`."""
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
        for values in _as_cells(frame, formulas).itertuples(index=False, name=None):
            sheet.append(values)
        last = get_column_letter(max(1, len(frame.columns)))
        sheet.auto_filter.ref = f"A1:{last}{len(frame) + 1}"
    return dated_bytes(workbook, stamp)
