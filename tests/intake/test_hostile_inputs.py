"""Issue 10 §4, SPEC §8: inputs that cannot hurt -- links, formulas, zip bombs, huge files, NUL
bytes -- and a cumulative file that lost most of its rows."""

from __future__ import annotations

import io
import os
import zipfile

import pandas as pd
import pytest

from nashra.periods import Period
from nashra.settings import InputLimits
from tasks.delivery.receipts import plan_receipts
from tasks.evaluation.period import assemble_period, evaluate_period
from tasks.intake.discover import scan_folders
from tasks.intake.read import UnreadableFile, read_table
from tasks.outputs.tables import people_csv, write_quarantine
from tests.conftest import EXAM_HEADER, LEDGER_HEADER, write_csv, write_xlsx

P = Period.parse("2026-W47")
EXAM = ["1234567", "", "MO-200", "27/09/2026", "850", "oui", "VCH000001"]
VOUCHER = ["VCH000001", "01/09/2026", "31/12/2026", "consommé", "27/09/2026", "1234567"]


def both_files(raw, period: str, code: str, exams=(EXAM,)):
    write_csv(raw / period / code / "exam_results.csv", [EXAM_HEADER, *exams])
    write_csv(raw / period / code / "voucher_ledger.csv", [LEDGER_HEADER, VOUCHER])


def test_a_symlink_is_rejected_unread_and_never_copied(tmp_path, reference):
    raw = tmp_path / "raw"
    both_files(raw, "2026-W46", "FES")
    write_csv(raw / "2026-W47" / "FES" / "voucher_ledger.csv", [LEDGER_HEADER, VOUCHER])
    outside = tmp_path / "outside.csv"
    write_csv(outside, [EXAM_HEADER, EXAM, EXAM])
    (raw / "2026-W47" / "FES" / "exam_results.csv").symlink_to(outside)
    (raw / "2026-W47" / "SEF").symlink_to(tmp_path / "elsewhere", target_is_directory=True)

    folders = scan_folders(raw, P, reference.codes)
    current = evaluate_period(reference, P, folders)
    fes = current.directorates["FES"].sources["exam_results"]
    [rejected] = [i for i in fes.inputs if i.status == "rejected"]
    assert "lien symbolique" in rejected.error and rejected.sha256 is None
    assert fes.drop.period == Period.parse("2026-W46")  # carried over from the last usable file
    assert any("SEF" in item["path"] and "lien symbolique" in item["reason"] for item in folders[0].ignored)

    quarantine = tmp_path / "quarantine"
    write_quarantine(quarantine, list(current.directorates.values()))
    assert sorted(p.name for p in quarantine.iterdir()) == ["FES_exam_results_2026-W47_rejected.txt"]


def test_a_fifo_is_rejected_without_being_opened(tmp_path, reference):
    raw = tmp_path / "raw"
    write_csv(raw / "2026-W47" / "FES" / "voucher_ledger.csv", [LEDGER_HEADER, VOUCHER])
    os.mkfifo(raw / "2026-W47" / "FES" / "exam_results.csv")  # opening it would wait forever
    current = evaluate_period(reference, P, scan_folders(raw, P, reference.codes))
    fes = current.directorates["FES"].sources["exam_results"]
    assert fes.inputs[0].status == "rejected" and "fichier ordinaire" in fes.inputs[0].error


@pytest.mark.parametrize(
    "cell, written",
    [
        ('=HYPERLINK("http://x.example","click")', '\'=HYPERLINK("http://x.example","click")'),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("@SUM(1)", "'@SUM(1)"),
        ("=1+1", "'=1+1"),
        ("-2+3", "'-2+3"),
        ("\tTAB", "'\tTAB"),
        ("-2", "-2"),  # a plain number stays a number
        ("+3.5", "+3.5"),
        ("Fès", "Fès"),
    ],
)
def test_cells_a_spreadsheet_would_run_are_neutralised(cell, written):
    text = people_csv(pd.DataFrame({"name": [cell]})).decode("utf-8-sig")
    assert pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)["name"][0] == written


def test_people_csvs_carry_a_bom_so_excel_reads_arabic():
    assert people_csv(pd.DataFrame({"name_ar": ["فاس"]})).startswith(b"\xef\xbb\xbf")


def test_a_quarantined_formula_is_neutralised_and_the_receipt_says_so(tmp_path, reference):
    raw = tmp_path / "raw"
    bad = ["=1+1", "", "MO-200", "27/09/2026", "850", "oui", "VCH000002"]
    both_files(raw, "2026-W47", "FES", exams=(EXAM, bad))
    current = evaluate_period(reference, P, scan_folders(raw, P, reference.codes))
    quarantine = tmp_path / "quarantine"
    write_quarantine(quarantine, list(current.directorates.values()))
    text = (quarantine / "FES_exam_results.csv").read_text(encoding="utf-8-sig")
    assert "'=1+1" in text and ",=1+1" not in text
    [receipt, *_] = plan_receipts(reference, P, current.directorates, quarantine)
    assert "précédée d'une apostrophe" in receipt.body and "مسبوقة بفاصلة عليا" in receipt.body


def bomb(path, inflated_mb: int):
    """A workbook whose sheet inflates to `inflated_mb` MB from a few hundred KB."""
    row = b'<row><c t="inlineStr"><is><t>0000000000</t></is></c></row>'
    sheet = b"<worksheet><sheetData>" + row * (inflated_mb * 1024 * 1024 // len(row)) + b"</sheetData></worksheet>"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    return path


def test_a_zip_bomb_is_refused_before_it_is_inflated(tmp_path):
    path = bomb(tmp_path / "exam_results.xlsx", 40)
    assert path.stat().st_size < 1_000_000
    with pytest.raises(UnreadableFile, match="refusé sans être ouvert"):
        read_table(path, "exam_results")


def test_the_inflation_limit_is_documented_and_can_be_changed(tmp_path, monkeypatch):
    path = write_xlsx(tmp_path / "exam_results.xlsx", [EXAM_HEADER, *[EXAM] * 200])
    assert len(read_table(path, "exam_results").frame) == 200
    with pytest.raises(UnreadableFile, match="au-delà des limites"):
        read_table(path, "exam_results", InputLimits(max_xlsx_bytes=1_000))
    monkeypatch.setenv("NASHRA_MAX_XLSX_MB", "lots")
    with pytest.raises(ValueError, match="NASHRA_MAX_XLSX_MB='lots'"):
        InputLimits.from_env()


@pytest.mark.parametrize("ext", ["csv", "xlsx"])
def test_a_file_past_the_row_limit_is_rejected_with_its_reason(tmp_path, ext):
    rows = [EXAM_HEADER, *[EXAM] * 150]
    path = (write_csv if ext == "csv" else write_xlsx)(tmp_path / f"exam_results.{ext}", rows)
    with pytest.raises(UnreadableFile, match="plus de 100 lignes"):
        read_table(path, "exam_results", InputLimits(max_rows=100))
    assert len(read_table(path, "exam_results", InputLimits(max_rows=200)).frame) == 150


def test_a_nul_byte_anywhere_rejects_a_csv(tmp_path):
    rows = [EXAM_HEADER, *[EXAM] * 400, [*EXAM[:1], "a\x00b", *EXAM[2:]]]
    path = write_csv(tmp_path / "exam_results.csv", rows)
    assert path.read_bytes().index(b"\x00") > 8192
    with pytest.raises(UnreadableFile, match="octets NUL"):
        read_table(path, "exam_results")


def test_a_file_that_lost_most_of_its_rows_makes_its_directorate_provisional(tmp_path, reference):
    """IFR's cumulative exam file shrinks to its header: error E2, unranked, and its receipt says why."""
    raw = tmp_path / "raw"
    many = [[*EXAM[:6], f"VCH0000{n:02d}"] for n in range(10)]
    for code in ("FES", "MEK", "IFR"):
        both_files(raw, "2026-W46", code, exams=many)
        both_files(raw, "2026-W47", code, exams=many if code != "IFR" else ())
    folders = scan_folders(raw, P, reference.codes)
    current = evaluate_period(reference, P, folders)
    table = current.table
    assert table.loc["IFR", "data_status"] == "received"
    assert table.loc["IFR", "provisional"] == "E2" and pd.isna(table.loc["IFR", "rank"])
    assert sorted(table["rank"].dropna().tolist()) == [1, 2]
    [e2] = [f for f in current.findings if f.code == "E2"]
    assert e2.directorate == "IFR" and e2.severity == "error" and "100 %" in e2.examples[0]

    again = assemble_period(current.directorates, reference, P)  # earlier periods judge it the same way
    assert again.table.loc["IFR", "provisional"] == "E2"
    letters = plan_receipts(reference, P, current.directorates, tmp_path / "q", findings=current.findings)
    [receipt] = [x for x in letters if x.scope == "IFR"]
    assert "E2" in receipt.body and "non classée cette semaine" in receipt.body and "غير مرتبة" in receipt.body


def test_a_workbook_cell_that_decodes_to_nul_rejects_the_workbook(tmp_path):
    """Excel's escape `_x0000_` is read back as a NUL character: no text has it."""
    path = write_xlsx(tmp_path / "exam_results.xlsx", [EXAM_HEADER, [EXAM[0], "a_x0000_b", *EXAM[2:]]])
    with pytest.raises(UnreadableFile, match="caractère nul"):
        read_table(path, "exam_results")
