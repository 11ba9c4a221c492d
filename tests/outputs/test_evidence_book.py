"""The evidence workbook's writer: rows spliced in whole columns (sheet_xml) read back exactly as
openpyxl's own `append` (the stock path) writes them; the spliced path is the one taken."""

from __future__ import annotations

import io
from datetime import datetime

import pandas as pd
import pytest
from openpyxl import load_workbook

from tasks.outputs.evidence import book, sheet_xml
from tasks.outputs.evidence.sheet_xml import splice
from tasks.outputs.workbook import ZIP_TIME

STAMP = datetime(2026, 11, 22)
AWKWARD = pd.DataFrame(
    {
        "text": ["plain", "a & b < c > d", '=HYPERLINK("x")', "bell\x07here", "  spaced  ", None],
        "number": [1, 2.5, None, 0, -3, 10**12],
        "flag": pd.array([1, None, 1, None, None, 1], dtype="Int64"),
        "recount": ["=SUM('قسائم - Bons'!I:I)", 7, None, "=IF(E3=0,0,E2/E3)", None, "=1+1"],
        "عربي": ["منتهية الصلاحية: تاريخ الانتهاء 21/11/2026 < 22/11/2026", "", "x", "y", "z", "w"],
    }
)
SHEETS = {"ملخص - Synthèse": AWKWARD, "فارغة - Vide": AWKWARD.iloc[:0], "قسائم - Bons": AWKWARD.iloc[::-1]}


def read_back(data: bytes) -> dict[str, list[tuple]]:
    workbook = load_workbook(io.BytesIO(data))
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in workbook.worksheets}


def stock(sheets) -> bytes:
    cells = {name: book._as_cells(frame, ("recount",)) for name, frame in sheets.items()}
    return book._workbook(cells, stamp=STAMP, title="t", with_rows=True)


@pytest.mark.parametrize("chunk", [4096, 4, 1])  # rows put together at a time: across chunks too
def test_the_spliced_rows_read_back_as_openpyxl_writes_them(chunk, monkeypatch):
    monkeypatch.setattr(sheet_xml, "CHUNK", chunk)
    fast = book.workbook_bytes(SHEETS, stamp=STAMP, title="t", formulas=("recount",))
    assert read_back(fast) == read_back(stock(SHEETS))
    rows = read_back(fast)["ملخص - Synthèse"]
    assert rows[0] == tuple(AWKWARD.columns)
    assert rows[1][3] == "=SUM('قسائم - Bons'!I:I)"  # a formula where formulas are
    assert rows[3][0] == '\'=HYPERLINK("x")'  # text that would run is neutralised
    assert rows[4][0] == "bell\ufffdhere" and rows[5][0] == "  spaced  "
    assert rows[2][0] == "a & b < c > d" and rows[6][1] == 10**12


def test_the_spliced_path_is_the_one_taken_on_this_openpyxl():
    """Fails when openpyxl's archive changes shape and the rows would go through `append`."""
    cells = {name: book._as_cells(frame, ("recount",)) for name, frame in SHEETS.items()}
    headed = book._workbook(cells, stamp=STAMP, title="t", with_rows=False)
    assert splice(headed, [b"", b"", b""], ZIP_TIME) is not None


def test_the_same_rows_give_the_same_bytes():
    first = book.workbook_bytes(SHEETS, stamp=STAMP, title="t", formulas=("recount",))
    assert first == book.workbook_bytes(SHEETS, stamp=STAMP, title="t", formulas=("recount",))


def test_sheets_read_right_to_left_with_their_header_frozen():
    workbook = load_workbook(io.BytesIO(book.workbook_bytes(SHEETS, stamp=STAMP, title="t", formulas=())))
    assert all(s.sheet_view.rightToLeft and s.freeze_panes == "A2" for s in workbook.worksheets)


def test_every_cell_names_its_reference_as_excel_writes_it():
    """`r` is optional in the format, but some readers (ClosedXML, EPPlus, older ExcelDataReader)
    fail without it: every cell of a spliced sheet says where it is."""
    import re
    import zipfile

    data = book.workbook_bytes(SHEETS, stamp=STAMP, title="t", formulas=("recount",))
    xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    cells = re.findall(r"<c\b[^>]*>", xml)
    assert len(cells) > 20 and all(re.search(r'\br="[A-Z]+\d+"', cell) for cell in cells)
