"""The evidence rows written as SpreadsheetML a whole column at a time (the adapter of issue 26).

openpyxl writes a cell at a time in Python: a directorate of 20,000 exams and 24,000 vouchers
took 6.5 s for its workbook, 15 times its reading (82 directorates would add minutes to a
national run). So openpyxl writes the workbook — its parts, styles, views and each sheet's header
row — and the rows below the header, built here with pandas' string operations, are put into
each sheet's `<sheetData>`. `splice` returns None when openpyxl's archive is not shaped as it
expects (a sheet part missing, no `</sheetData>`): the caller then writes the rows through
openpyxl's own `append`, the stock path, and tests/outputs/test_evidence_book.py fails.
"""

from __future__ import annotations

import io
import zipfile
from functools import reduce
from operator import add

import numpy as np
import pandas as pd

END = "</sheetData>"


def _escaped(text: pd.Series) -> pd.Series:
    """Text as XML character data (characters XML cannot hold are replaced before: book._as_cells)."""
    if not text.str.contains("[&<>]", regex=True).any():
        return text
    text = text.str.replace("&", "&amp;", regex=False).str.replace("<", "&lt;", regex=False)
    return text.str.replace(">", "&gt;", regex=False)


def _cells(values: pd.Series, formulas: bool) -> pd.Series:
    """One column's `<c>` elements (no `r`: a row's cells follow each other, an unknown value or
    an empty text is an empty `<c/>`, as openpyxl leaves it); a text starting with `=` is a
    formula only in a column of formulas."""
    out = pd.Series("<c/>", index=values.index, dtype=object)
    known = values[values.notna() & values.ne("")]
    if known.empty:
        return out
    is_text = known.map(type).eq(str)
    text = known[is_text].astype(object)
    formula = text.str.startswith("=") if formulas else pd.Series(False, index=text.index)
    escaped = _escaped(text)
    out[text.index[~formula]] = '<c t="inlineStr"><is><t xml:space="preserve">' + escaped[~formula] + "</t></is></c>"
    out[text.index[formula]] = "<c><f>" + escaped[formula].str[1:] + "</f></c>"
    numbers = known[~is_text]
    out[numbers.index] = "<c><v>" + numbers.astype(str).str.removesuffix(".0") + "</v></c>"  # 3.0 as 3
    return out


def rows_xml(frame: pd.DataFrame, formulas: tuple[str, ...]) -> str:
    """The frame's rows as `<row>` elements from row 2 (row 1 is the header)."""
    if frame.empty:
        return ""
    frame = frame.reset_index(drop=True)
    rows = pd.Series(np.arange(2, len(frame) + 2).astype(str), dtype=object)
    columns = [_cells(frame.iloc[:, i], frame.columns[i] in formulas) for i in range(frame.shape[1])]
    body = '<row r="' + rows + '">' + reduce(add, columns) + "</row>"
    return "".join(body.tolist())


def splice(archive: bytes, bodies: list[str], date_time: tuple) -> bytes | None:
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
                xml = data.decode("utf-8")
                if xml.count(END) != 1:
                    return None
                data = xml.replace(END, parts[name] + END).encode("utf-8")
            entry = zipfile.ZipInfo(name, date_time=date_time)
            entry.compress_type = zipfile.ZIP_DEFLATED
            out.writestr(entry, data)
    return target.getvalue()
