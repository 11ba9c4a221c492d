"""The evidence rows written as SpreadsheetML a whole column at a time (the adapter of issue 26).

openpyxl writes a cell at a time in Python: a directorate of 20,000 exams and 24,000 vouchers
took 6.5 s for its workbook, 15 times its reading (82 directorates would add minutes to a
national run). So openpyxl writes the workbook — its parts, styles, views and each sheet's header
row — and the rows below the header, built here column by column on numpy object arrays (each
cell with its reference, as Excel writes it) and joined 4,096 rows at a time (1.5 s), are put
into each sheet's `<sheetData>`. `splice` returns None when openpyxl's archive is not shaped as it
expects (a sheet part missing, no `</sheetData>`): the caller then writes the rows through
openpyxl's own `append`, the stock path, and tests/outputs/test_evidence_book.py fails.
"""

from __future__ import annotations

import io
import re
import zipfile

import numpy as np
import pandas as pd
from openpyxl.utils import get_column_letter

END = "</sheetData>"


def _escaped(text: np.ndarray) -> np.ndarray:
    """Text as XML character data (characters XML cannot hold are replaced before: book._as_cells)."""
    if not re.search("[&<>]", "\n".join(text.tolist())):  # one search over the column: most have none
        return text
    replaced = (
        pd.Series(text, dtype=object).str.replace("&", "&amp;", regex=False).str.replace("<", "&lt;", regex=False)
    )
    return replaced.str.replace(">", "&gt;", regex=False).to_numpy(dtype=object)


_IS_TEXT = np.frompyfunc(lambda value: isinstance(value, str), 1, 1)
_FORMULA = np.frompyfunc(lambda text: text.startswith("="), 1, 1)


TEXT_OPEN, NUMBER_OPEN, FORMULA_OPEN = '" t="inlineStr"><is><t xml:space="preserve">', '"><v>', '"><f>'


def _cells(values: np.ndarray, letter: str, rows: dict[str, np.ndarray], formulas: bool) -> np.ndarray:
    """One column's `<c>` elements, each with its reference (`C2`, `C3` …, as openpyxl and Excel
    write them: some readers need it); an unknown value or an empty text is no element, as
    openpyxl leaves it; a text starting with `=` is a formula only in a column of formulas.
    `rows` holds each row's number already followed by the element's opening (the same for
    every column). numpy's object arrays: one C loop per step."""
    out = np.full(len(values), "", dtype=object)
    known = pd.notna(values) & (values != "")
    is_text = known & _IS_TEXT(values).astype(bool)
    at = f'<c r="{letter}'
    if is_text.any():
        text = values[is_text]
        escaped = _escaped(text)
        formula = _FORMULA(text).astype(bool) if formulas else np.zeros(len(text), dtype=bool)
        cells = at + rows[TEXT_OPEN][is_text] + escaped + "</t></is></c>"
        if formula.any():
            bare = pd.Series(escaped[formula], dtype=object).str[1:].to_numpy()
            cells[formula] = at + rows[FORMULA_OPEN][is_text][formula] + bare + "</f></c>"
        out[is_text] = cells
    numbers = known & ~is_text
    if numbers.any():
        shown = pd.Series(values[numbers], dtype=object).astype(str).str.removesuffix(".0").to_numpy(dtype=object)
        out[numbers] = at + rows[NUMBER_OPEN][numbers] + shown + "</v></c>"  # 3.0 as 3
    return out


CHUNK = 4096  # rows put together at a time: the strings of one chunk, not of the whole sheet, are alive


def _chunk_xml(frame: pd.DataFrame, first: int, formulas: tuple[str, ...]) -> bytes:
    """Rows of `frame` as `<row>` elements, the first numbered `first`."""
    numbers = np.arange(first, first + len(frame)).astype(str).astype(object)
    rows = {opening: numbers + opening for opening in (TEXT_OPEN, NUMBER_OPEN, FORMULA_OPEN)}
    grid = np.empty((len(frame), frame.shape[1] + 2), dtype=object)  # a row's opening, its cells, its end
    grid[:, 0] = '<row r="' + numbers + '">'
    for i, column in enumerate(frame.columns):
        grid[:, i + 1] = _cells(
            frame[column].to_numpy(dtype=object), get_column_letter(i + 1), rows, column in formulas
        )
    grid[:, -1] = "</row>"
    return "".join(grid.ravel().tolist()).encode("utf-8")  # row after row: one join


def rows_xml(frame: pd.DataFrame, formulas: tuple[str, ...]) -> bytes:
    """The frame's rows as `<row>` elements from row 2 (row 1 is the header), UTF-8."""
    return b"".join(
        _chunk_xml(frame.iloc[start : start + CHUNK], start + 2, formulas) for start in range(0, len(frame), CHUNK)
    )


def splice(archive: bytes, bodies: list[bytes], date_time: tuple) -> bytes | None:
    """The workbook `archive` with `bodies[i]` put at the end of sheet i+1's rows, every entry
    dated `date_time`; None when a sheet part is not where openpyxl writes it."""
    source = zipfile.ZipFile(io.BytesIO(archive))
    parts = {f"xl/worksheets/sheet{i + 1}.xml": body for i, body in enumerate(bodies)}
    names = source.namelist()
    if any(part not in names for part in parts):
        return None
    target = io.BytesIO()
    with source, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as out:
        for name in names:
            data = source.read(name)
            if name in parts:
                pieces = data.split(END.encode())
                if len(pieces) != 2:
                    return None
                data = b"".join((pieces[0], parts[name], END.encode(), pieces[1]))
            entry = zipfile.ZipInfo(name, date_time=date_time)
            entry.compress_type = zipfile.ZIP_DEFLATED
            out.writestr(entry, data)
    return target.getvalue()
