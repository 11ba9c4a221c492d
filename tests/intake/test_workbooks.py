"""Workbooks as clerks send them (issue 24, item 9): a password, a hidden first sheet, a pivot
before the data, rows hidden in Excel. Real workbooks, written by openpyxl (and encrypted by
msoffcrypto-tool, as Excel's « Chiffrer avec mot de passe » does)."""

import io

import pytest
from openpyxl import Workbook

from nashra.periods import Period
from tasks.delivery.receipts import plan_receipts
from tasks.intake.check import check_file, render_report
from tasks.intake.read import UnreadableFile, read_table
from tasks.intake.validate import validate_table
from tests.conftest import EXAM_HEADER
from tests.intake.test_ingest import EXAM

P = Period.parse("2026-W47")
ROWS = [EXAM_HEADER, EXAM, [*EXAM[:6], "VCH000002"], [*EXAM[:6], "VCH000003"]]


def workbook(path, sheets: dict[str, list[list]], hidden_sheets=(), hidden_rows=()):
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
        if name in hidden_sheets:
            sheet.sheet_state = "hidden"
        for number in hidden_rows:
            sheet.row_dimensions[number].hidden = True
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def test_a_password_protected_workbook_is_said_to_be_so_in_both_languages(tmp_path):
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = io.BytesIO(workbook(tmp_path / "plain.xlsx", {"Feuil1": ROWS}).read_bytes())
    locked = io.BytesIO()
    OOXMLFile(plain).encrypt("secret", locked)
    path = tmp_path / "exam_results.xlsx"
    path.write_bytes(locked.getvalue())
    with pytest.raises(UnreadableFile) as caught:
        read_table(path, "exam_results")
    assert "protégé par un mot de passe" in str(caught.value) and "Chiffrer avec mot de passe" in str(caught.value)
    assert "محمي بكلمة مرور" in caught.value.arabic and "97-2003" not in str(caught.value)


def test_a_hidden_first_sheet_is_passed_over_and_the_sheet_read_is_named(tmp_path):
    settings = [["Paramètres"], ["candidate_id", "exam_code"], ["x", "y"]]  # looks like a header too
    path = workbook(tmp_path / "exam_results.xlsx", {"Config": settings, "Examens": ROWS}, hidden_sheets={"Config"})
    raw = read_table(path, "exam_results")
    assert len(raw.frame) == 3 and "exam_date" in raw.columns
    assert any("« Examens »" in fr and "« Config » est masquée" in fr for _, fr in raw.notes)


def test_data_under_a_pivot_on_the_second_sheet_is_found_and_named(tmp_path):
    pivot = [["Tableau croisé"], ["Étiquettes", "Nombre"], ["MO-200", 3]]
    path = workbook(tmp_path / "exam_results.xlsx", {"TCD": pivot, "Données": ROWS})
    raw = read_table(path, "exam_results")
    assert len(raw.frame) == 3
    assert (
        raw.notes[0][1]
        == "lu depuis la feuille « Données » : la première feuille « TCD » n'a pas les colonnes attendues"
    )


def test_two_sheets_with_the_columns_name_the_one_left_unread(tmp_path):
    path = workbook(tmp_path / "exam_results.xlsx", {"S47": ROWS, "S46": ROWS[:2]})
    raw = read_table(path, "exam_results")
    assert len(raw.frame) == 3 and "« S46 »" in raw.notes[0][1]


def test_no_sheet_with_a_header_names_every_sheet(tmp_path):
    path = workbook(
        tmp_path / "exam_results.xlsx", {"TCD": [["Total", 3]], "Notes": [["rien"]]}, hidden_sheets={"Notes"}
    )
    with pytest.raises(UnreadableFile, match=r"feuilles : « TCD », « Notes » \(masquée\)"):
        read_table(path, "exam_results")


def test_rows_hidden_in_excel_are_counted_and_said_in_check_and_receipt(tmp_path, reference, ctx):
    path = workbook(tmp_path / "2026-W47" / "FES" / "exam_results.xlsx", {"Feuil1": ROWS}, hidden_rows=(3, 4))
    table = validate_table(read_table(path, "exam_results"), "exam_results", ctx)
    assert table.rows_accepted == 3
    assert table.notes == (
        (
            "2 سطر مخفي في إكسل قرئ واحتسب (الأسطر 3, 4): أظهره للتحقق منه أو احذفه إن لم يكن مقصودا",
            "2 ligne(s) masquée(s) dans Excel lue(s) et comptée(s) (lignes 3, 4) : les afficher pour les vérifier, "
            "ou les supprimer si elles ne doivent pas compter",
        ),
    )
    text = render_report(check_file(path, "exam_results", P, reference))
    assert "masquée(s) dans Excel" in text and "مخفي في إكسل" in text

    from tasks.evaluation.period import evaluate_period
    from tasks.intake.discover import scan_folders
    from tests.intake.test_ingest import drop

    drop(tmp_path, "2026-W47", "FES", "voucher_ledger")
    result = evaluate_period(reference, P, scan_folders(tmp_path, P, reference.codes))
    letters = plan_receipts(reference, P, result.directorates, tmp_path / "quarantine")
    assert any("masquée(s) dans Excel" in letter.body for letter in letters if letter.scope == "FES")
