"""Workbooks as clerks send them (SPEC §2, issue 24 item 9): which sheet holds the table, rows
hidden in Excel, a workbook locked by a password.

The table is read from the first *visible* sheet that has a recognisable header (a hidden
settings sheet or a pivot on the first sheet is passed over); when that is not the first
sheet, or when several could be, the sheet read is named. Rows hidden in Excel are read and
counted like the others, and said so.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

EXCEL_97 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an OLE2 file: an .xls, or an .xlsx encrypted by a password
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")  # the stream an encrypted OOXML package is kept in
Note = tuple[str, str]  # (Arabic, French)


def password_protected(data: bytes) -> bool:
    """An .xlsx saved with « Chiffrer avec mot de passe »: Excel wraps it in an OLE2 file."""
    return data.startswith(EXCEL_97) and _ENCRYPTED in data


PASSWORD_PROTECTED = (
    "classeur protégé par un mot de passe : il ne peut pas être lu. Dans Excel : Fichier › Informations › "
    "Protéger le classeur › Chiffrer avec mot de passe, effacer le mot de passe, OK, enregistrer, puis renvoyer",
    "المصنف محمي بكلمة مرور ولا يمكن قراءته. في إكسل: ملف › معلومات › حماية المصنف › التشفير باستخدام كلمة مرور، "
    "امسح كلمة المرور، موافق، احفظ ثم أعد الإرسال",
)


@dataclass(frozen=True)
class SheetRead:
    rows: list[list]  # the chosen sheet's cells
    header_index: int
    index: int  # the sheet's position in the workbook
    notes: tuple[Note, ...]


def _visible(sheet) -> bool:
    from python_calamine import SheetVisibleEnum

    return sheet.visible == SheetVisibleEnum.Visible


def read_sheet(
    workbook, find_header: Callable[[list[list]], int | None], *, search_rows: int, max_height: int
) -> SheetRead | None:
    """The first visible sheet whose first rows hold a header (`find_header` gives its index),
    with notes naming it when it is not the first sheet or not the only candidate; None when
    no sheet has one. `max_height` is checked (by the caller's exception) before a sheet is read."""
    sheets = workbook.sheets_metadata
    visible = [i for i, sheet in enumerate(sheets) if _visible(sheet)] or [0]
    found: list[tuple[int, int]] = []
    for index in visible:
        head = workbook.get_sheet_by_index(index).to_python(skip_empty_area=False, nrows=search_rows)
        if (header := find_header(head)) is not None:
            found.append((index, header))
    if not found:
        return None
    index, header = found[0]
    sheet = workbook.get_sheet_by_index(index)
    if sheet.total_height > max_height:
        raise OverflowError(sheet.total_height)
    notes = []
    if index != 0:
        first = sheets[0].name
        why_fr = "est masquée" if not _visible(sheets[0]) else "n'a pas les colonnes attendues"
        why_ar = "مخفية" if not _visible(sheets[0]) else "لا تحمل الأعمدة المطلوبة"
        notes.append(
            (
                f"قرئت الورقة « {sheets[index].name} »: الورقة الأولى « {first} » {why_ar}",
                f"lu depuis la feuille « {sheets[index].name} » : la première feuille « {first} » {why_fr}",
            )
        )
    if len(found) > 1:
        others = ", ".join(f"« {sheets[i].name} »" for i, _ in found[1:])
        notes.append(
            (
                f"أوراق أخرى تحمل الأعمدة نفسها ({others}) ولم تقرأ: أرسل ورقة واحدة",
                f"d'autres feuilles ont aussi les colonnes attendues ({others}) et n'ont pas été lues : "
                "n'envoyer qu'une feuille",
            )
        )
    return SheetRead(sheet.to_python(skip_empty_area=False), header, index, tuple(notes))


def no_sheet_with_header(workbook, expected: str, search_rows: int) -> tuple[str, str]:
    """(French, Arabic) when no visible sheet has a header: the sheets named, hidden ones said."""
    names = ", ".join(
        f"« {sheet.name} »" + ("" if _visible(sheet) else " (masquée)") for sheet in workbook.sheets_metadata
    )
    return (
        f"aucune feuille visible n'a de ligne d'en-tête dans ses {search_rows} premières lignes (feuilles : {names}) ; "
        f"colonnes attendues : {expected}. Mettre le tableau, avec sa ligne d'en-tête, sur une feuille visible",
        f"لا توجد ورقة ظاهرة تحمل سطر العناوين في أول {search_rows} سطرا (الأوراق: {names})؛ "
        "ضع الجدول بسطر عناوينه في ورقة ظاهرة",
    )


_SHEET = re.compile(rb'<(?:\w+:)?sheet\b[^>]*?\br:id="([^"]+)"')
_RELATION = re.compile(rb"<Relationship\b[^>]*>")
_HIDDEN_ROW = re.compile(rb'<(?:\w+:)?row\b[^>]*?\bhidden="(?:1|true)"[^>]*>')
_ROW_NUMBER = re.compile(rb'\br="(\d+)"')


def hidden_rows(data: bytes, sheet_index: int) -> list[int]:
    """The row numbers hidden in Excel on the workbook's `sheet_index`-th sheet (empty if the
    package cannot say): read from the sheet's XML, which calamine does not report."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            ids = _SHEET.findall(package.read("xl/workbook.xml"))
            targets = {}
            for tag in _RELATION.findall(package.read("xl/_rels/workbook.xml.rels")):
                found = dict(re.findall(rb'(\w+)="([^"]*)"', tag))
                targets[found.get(b"Id")] = found.get(b"Target", b"").decode()
            target = targets[ids[sheet_index]].lstrip("/")
            name = target if target.startswith("xl/") else f"xl/{target}"
            xml = package.read(name)
    except (KeyError, IndexError, zipfile.BadZipFile, OSError):
        return []
    if b'hidden="' not in xml:  # the common case, ten times faster to tell than with the pattern
        return []
    numbers = (_ROW_NUMBER.search(tag) for tag in _HIDDEN_ROW.findall(xml))
    return [int(number[1]) for number in numbers if number]


def hidden_rows_note(rows: list[int]) -> Note | None:
    """What the clerk is told of rows hidden in Excel: they were read and counted."""
    if not rows:
        return None
    shown = ", ".join(map(str, rows[:10])) + ("…" if len(rows) > 10 else "")
    return (
        f"{len(rows)} سطر مخفي في إكسل قرئ واحتسب (الأسطر {shown}): أظهره للتحقق منه أو احذفه إن لم يكن مقصودا",
        f"{len(rows)} ligne(s) masquée(s) dans Excel lue(s) et comptée(s) (lignes {shown}) : les afficher pour "
        "les vérifier, ou les supprimer si elles ne doivent pas compter",
    )
