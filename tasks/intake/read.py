"""Reading one raw file (SPEC §2): encoding, separator, XLSX, the header row, trimmed cells.

A file that cannot be understood raises `UnreadableFile` with a message for the directorate's
staff; the caller turns it into a rejected input.
"""

from __future__ import annotations

import csv
import io
import itertools
import warnings
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from pathlib import Path

import pandas as pd

from nashra.settings import InputLimits
from schemas.headers import ALIASES, COLUMNS, DISPLAY, REQUIRED, match_header, meant
from tasks.intake.encodings import decode
from tasks.intake.workbooks import (
    EXCEL_97,
    PASSWORD_PROTECTED,
    SheetRead,
    hidden_rows,
    hidden_rows_note,
    no_sheet_with_header,
    password_protected,
    read_sheet,
)

HEADER_SEARCH_ROWS = 20
SEPARATORS = (",", ";", "\t")  # tab: Excel's « Texte Unicode » and « Texte (séparateur : tabulation) »


class UnreadableFile(ValueError):
    """The file cannot be used; the message (French, with `arabic` beside it) says why in words
    its sender can act on."""

    def __init__(self, message: str, arabic: str = "تعذرت قراءة الملف"):
        super().__init__(message)
        self.arabic = arabic

    @property
    def both(self) -> str:
        """Arabic, then French: the words of the receipt and of the note beside a rejected file."""
        return f"{self.arabic} / {self}"


@dataclass(frozen=True)
class RawTable:
    """A file's data rows as trimmed text, indexed by the row number a person would see."""

    frame: pd.DataFrame  # original column labels (made unique), all cells str
    columns: dict[str, str]  # canonical name -> label in `frame`
    header_row: int
    encoding: str | None = None
    separator: str | None = None
    encoding_doubt: tuple[str, str] | None = None  # (Arabic, French) when the encoding was a guess
    notes: tuple[tuple[str, str], ...] = ()  # (Arabic, French): the sheet read, rows hidden in Excel


def read_table(path: Path, source: str, limits: InputLimits | None = None) -> RawTable:
    """Read `path` as a file of `source`, or raise UnreadableFile: any failure of a reader
    becomes one, so an odd file never stops a run or a check."""
    try:
        return _read_table(Path(path), source, limits or InputLimits.from_env())
    except UnreadableFile:
        raise
    except MemoryError:
        raise UnreadableFile("fichier trop volumineux pour être lu", "الملف أكبر من أن يقرأ") from None
    except Exception as error:
        raise UnreadableFile(f"fichier illisible : {type(error).__name__}: {error}") from error


def _read_table(path: Path, source: str, limits: InputLimits) -> RawTable:
    data = path.read_bytes()
    if not data.strip():
        raise UnreadableFile("le fichier est vide", "الملف فارغ")
    if password_protected(data):
        raise UnreadableFile(*PASSWORD_PROTECTED)
    if path.suffix.lower() == ".xls" or data.startswith(EXCEL_97):
        raise excel_97()
    if path.suffix.lower() == ".xlsx":
        sheet = _xlsx_sheet(data, source, limits)
        rows, index = sheet.rows, sheet.header_index
        table = _from_rows(rows[index], pd.DataFrame(rows[index + 1 :], dtype=object), index + 1, source)
        return replace(table, notes=sheet.notes)
    if data.count(b"\n") > limits.max_rows + HEADER_SEARCH_ROWS:
        raise _too_many_rows(limits)
    return _read_csv(data, source)


def excel_97() -> UnreadableFile:
    """An .xls workbook (Excel 97-2003): not read; how to save it as .xlsx, in both languages."""
    return UnreadableFile(
        "classeur Excel 97-2003 (.xls) : ce format n'est pas lu ; l'ouvrir dans Excel et l'enregistrer sous "
        "« Classeur Excel (*.xlsx) », puis renvoyer le fichier .xlsx",
        "مصنف إكسل 97-2003 (xls.): هذه الصيغة لا تقرأ؛ افتحه في إكسل واحفظه بصيغة « مصنف Excel (*.xlsx) » "
        "ثم أرسل ملف xlsx",
    )


def _too_many_rows(limits: InputLimits) -> UnreadableFile:
    return UnreadableFile(
        f"plus de {limits.max_rows} lignes : un fichier hebdomadaire en compte bien moins ; vérifier qu'il "
        "s'agit du bon fichier (limite NASHRA_MAX_ROWS)",
        f"أكثر من {limits.max_rows} سطر: الملف الأسبوعي أصغر بكثير؛ تحقق من أنه الملف الصحيح",
    )


def _check_inflation(data: bytes, limits: InputLimits) -> None:
    """Refuse, before anything is inflated, a workbook whose parts would grow past the limits."""
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            inflated = sum(item.file_size for item in archive.infolist())
    except zipfile.BadZipFile:
        return  # calamine says what is wrong with it
    ratio = inflated / max(1, len(data))
    if inflated > limits.max_xlsx_bytes or (inflated > limits.ratio_from_bytes and ratio > limits.max_xlsx_ratio):
        raise UnreadableFile(
            f"classeur refusé sans être ouvert : il se décompresse en {inflated / 1e6:.0f} Mo ({ratio:.0f} fois sa "
            f"taille), au-delà des limites ({limits.max_xlsx_bytes / 1e6:.0f} Mo, {limits.max_xlsx_ratio:.0f} fois) ; "
            "l'enregistrer de nouveau depuis Excel, sans lignes ni colonnes vides en trop",
            "رفض المصنف دون فتحه: حجمه بعد فك الضغط يتجاوز الحد المسموح؛ "
            "أعد حفظه من إكسل دون أسطر أو أعمدة فارغة زائدة",
        )


def _read_csv(data: bytes, source: str) -> RawTable:
    if data.startswith(b"PK\x03\x04"):
        raise UnreadableFile(
            "ce fichier est un classeur Excel enregistré sous un nom .csv : le renommer en .xlsx",
            "هذا الملف مصنف إكسل يحمل اسما بامتداد csv: غير امتداده إلى xlsx",
        )
    decoded = decode(data)
    text, encoding = decoded.text, decoded.encoding
    if "\x00" in text:  # no text has NUL: never read on, never copied into a quarantine file
        raise UnreadableFile(
            "ce fichier n'est pas un fichier texte CSV (contenu binaire, octets NUL)",
            "هذا الملف ليس ملفا نصيا من نوع CSV (محتوى ثنائي)",
        )
    head = list(itertools.islice(io.StringIO(text, newline=""), HEADER_SEARCH_ROWS))
    best: tuple[int, str, int, list[str]] | None = None
    for separator in SEPARATORS:
        for index, cells in enumerate(csv.reader(head, delimiter=separator)):
            found = len(match_header([c.strip() for c in cells], source))
            if found >= 2:
                if best is None or found > best[0]:
                    best = (found, separator, index, cells)
                break
    if best is None:
        raise _no_header(source)
    _, separator, header_index, header = best
    try:  # pandas' C reader, as long as no row is wider than the header (else it errs, or warns and cuts)
        with warnings.catch_warnings():
            warnings.simplefilter("error", pd.errors.ParserWarning)
            body = pd.read_csv(
                io.StringIO(text),
                sep=separator,
                header=None,
                names=range(len(header)),
                index_col=False,
                dtype=str,
                keep_default_na=False,
                skip_blank_lines=False,
                skiprows=header_index + 1,
                engine="c",
            )
    except (pd.errors.ParserError, pd.errors.ParserWarning):  # the csv module keeps every cell of a wider row
        lines = itertools.islice(io.StringIO(text, newline=""), header_index + 1, None)
        body = pd.DataFrame(list(csv.reader(lines, delimiter=separator)), dtype=object)
    table = _from_rows(header, body, header_index + 1, source)
    return RawTable(table.frame, table.columns, table.header_row, encoding, separator, decoded.doubt)


def _xlsx_sheet(data: bytes, source: str, limits: InputLimits) -> SheetRead:
    """The sheet that holds the table (workbooks.read_sheet), its cells as text, and notes on
    the sheet chosen and on rows hidden in Excel."""
    from python_calamine import CalamineWorkbook

    _check_inflation(data, limits)

    def find_header(rows: list[list]) -> int | None:
        texts = [[_cell_text(value).strip() for value in row] for row in rows]
        return next((i for i, cells in enumerate(texts) if len(match_header(cells, source)) >= 2), None)

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheet = read_sheet(
            workbook, find_header, search_rows=HEADER_SEARCH_ROWS, max_height=limits.max_rows + HEADER_SEARCH_ROWS
        )
        if sheet is None:
            raise UnreadableFile(*no_sheet_with_header(workbook, ", ".join(COLUMNS[source]), HEADER_SEARCH_ROWS))
    except UnreadableFile:
        raise
    except OverflowError:
        raise _too_many_rows(limits) from None
    except Exception as error:  # calamine raises several kinds for damaged files
        raise UnreadableFile(
            f"le classeur Excel ne peut pas être ouvert (fichier endommagé ?) : {error}",
            "تعذر فتح مصنف إكسل (ملف تالف؟): المرجو حفظه من جديد وإعادة إرساله",
        ) from None
    rows = [[_cell_text(value) for value in row] for row in sheet.rows]
    hidden = [row for row in hidden_rows(data, sheet.index) if row > sheet.header_index + 1]
    note = hidden_rows_note(hidden)
    return SheetRead(rows, sheet.header_index, sheet.index, sheet.notes + ((note,) if note else ()))


def _cell_text(value: object) -> str:
    """An Excel cell as the text a person would type: 1234567.0 -> '1234567', dates ISO."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    if "\x00" in text:  # a workbook cell may decode to NUL (_x0000_): no text has it
        raise UnreadableFile(
            "une cellule contient un caractère nul (octet 0) : ce n'est pas du texte ; corriger la cellule",
            "خانة تحتوي على حرف فارغ (البايت 0): ليس نصا؛ صحح الخانة",
        )
    return text


def _from_rows(header: list, body: pd.DataFrame, header_row: int, source: str) -> RawTable:
    """Keep the non-empty rows below the header, numbered as in the file, and map the columns."""
    width = max(len(header), body.shape[1])
    labels = _labels([str(c).strip() for c in header] + [""] * (width - len(header)))
    frame = body.set_axis(range(body.shape[1]), axis=1).reindex(columns=range(width)).astype(object).fillna("")
    frame.columns = labels
    frame.index = pd.RangeIndex(header_row + 1, header_row + 1 + len(body), name="row")
    frame = frame.apply(lambda column: column.astype(str).str.strip())
    frame = frame[(frame != "").any(axis=1)]
    matched = match_header(labels, source)
    columns = {name: labels[position] for name, position in matched.items()}
    missing = [name for name in REQUIRED[source] if name not in columns]
    if missing:
        unknown = [label for position, label in enumerate(labels) if position not in matched.values()]
        raise _missing_columns(missing, [label for label in unknown if not label.startswith("column_")])
    return RawTable(frame, columns, header_row)


def _missing_columns(missing: list[str], unknown: list[str]) -> UnreadableFile:
    """Each missing column named as the clerk knows it, with its accepted spellings, the header
    it may have been written as, and the columns that will be ignored."""
    guesses = {name: label for label in reversed(unknown) if (name := meant(label, tuple(missing)))}
    french, arabic = [], []
    for name in missing:
        name_ar, name_fr = DISPLAY[name]
        guess = guesses.get(name)
        french.append(
            f"« {name_fr} » (orthographes acceptées : {', '.join(ALIASES[name])})"
            + (f" — « {guess} » serait-elle cette colonne ? La renommer « {name_fr} »" if guess else "")
        )
        arabic.append(
            f"« {name_ar} »" + (f" — هل العمود « {guess} » هو المقصود؟ غير عنوانه إلى « {name_ar} »" if guess else "")
        )
    ignored_fr = f". Colonnes non reconnues, ignorées : {', '.join(unknown)}" if unknown else ""
    ignored_ar = f". أعمدة غير معروفة ستهمل: {', '.join(unknown)}" if unknown else ""
    return UnreadableFile(
        "colonne(s) obligatoire(s) absente(s) : " + " ; ".join(french) + ignored_fr,
        "أعمدة إلزامية غير موجودة: " + "؛ ".join(arabic) + ignored_ar + ". أضفها أو صحح عناوينها ثم أعد الإرسال",
    )


def _labels(cells: list[str]) -> list[str]:
    """Unique column labels; empty header cells become column_<n>."""
    labels: list[str] = []
    for position, cell in enumerate(cells, start=1):
        label = cell or f"column_{position}"
        while label in labels:
            label = f"{label} ({position})"
        labels.append(label)
    return labels


def _no_header(source: str) -> UnreadableFile:
    expected = ", ".join(COLUMNS[source])
    return UnreadableFile(
        f"aucune ligne d'en-tête trouvée dans les {HEADER_SEARCH_ROWS} premières lignes "
        f"(colonnes attendues pour {source} : {expected})",
        f"لم يعثر على سطر العناوين في أول {HEADER_SEARCH_ROWS} سطرا: يجب أن يحمل الملف عناوين الأعمدة",
    )
