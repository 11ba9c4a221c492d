"""SPEC §2: encodings, separators, XLSX, header search, row numbers, trimmed cells, refusals."""

import zipfile
from datetime import date, datetime

import pytest

from tasks.intake.read import UnreadableFile, read_table
from tests.conftest import write_csv, write_xlsx

ARABIC = [
    ["رقم التأجير", "رمز الامتحان", "تاريخ الامتحان", "النقطة", "الحكم", "رقم القسيمة"],
    ["1234567", "MO-200", "27/09/2026", "850", "ناجح", "VCH000001"],
]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1256"])
@pytest.mark.parametrize("sep", [",", ";"])
def test_arabic_csv_in_every_encoding_and_separator(tmp_path, encoding, sep):
    path = write_csv(tmp_path / "exam_results.csv", ARABIC, encoding=encoding, sep=sep)
    table = read_table(path, "exam_results")
    assert table.separator == sep
    assert table.columns["candidate_id"] == "رقم التأجير"
    assert table.frame.loc[2, "الحكم"] == "ناجح"


def test_french_semicolon_csv_with_title_rows_keeps_the_files_line_numbers(tmp_path):
    rows = [
        ["Direction provinciale de Fès"],
        [],
        ["PPR", "Code examen", "Date examen", "Note", "Code voucher"],
        ["  1234567 ", "mo 200", "27/09/2026", "850", "VCH000001"],
        ["", "", "", "", ""],
        ["2345678", "MO-100", "28/09/2026", "640", "VCH000002"],
    ]
    table = read_table(write_csv(tmp_path / "exam_results.csv", rows, sep=";"), "exam_results")
    assert table.header_row == 3
    assert list(table.frame.index) == [4, 6]  # the blank line 5 is no row, and numbers do not shift
    assert table.frame.loc[4, "PPR"] == "1234567"  # trimmed


def test_xlsx_with_merged_title_numbers_and_dates(tmp_path):
    rows = [
        ["Suivi MOS — Meknès"],
        [],
        ["PPR", "Code examen", "Date examen", "Note", "Code voucher", "Obs."],
        [1234567.0, "MO-200", datetime(2026, 9, 27), 850, "VCH000001", None],
    ]
    path = write_xlsx(tmp_path / "exam_results.xlsx", rows)
    table = read_table(path, "exam_results")
    assert table.header_row == 3
    assert table.frame.loc[4].tolist() == ["1234567", "MO-200", "2026-09-27", "850", "VCH000001", ""]


def test_xlsx_formula_cells_are_read_by_their_cached_values(tmp_path):
    from openpyxl import load_workbook

    path = write_xlsx(
        tmp_path / "exam_results.xlsx",
        [
            ["PPR", "Code examen", "Date examen", "Note", "Code voucher"],
            [1234567, "MO-200", date(2026, 9, 27), "=800+50", "VCH1"],
        ],
    )
    # openpyxl writes no cached value; set one as Excel would, in the sheet's XML.
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    members[sheet] = members[sheet].replace(b"<f>800+50</f><v />", b"<f>800+50</f><v>850</v>")
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    assert load_workbook(path, data_only=True).active["D2"].value == 850
    assert read_table(path, "exam_results").frame.loc[2, "Note"] == "850"


def test_a_data_row_wider_than_the_header_keeps_its_extra_cell(tmp_path):
    path = tmp_path / "exam_results.csv"
    path.write_text("PPR,Code examen,Date examen,Note,Code voucher\n1234567,MO-200,27/09/2026,850,VCH000001,oops\n")
    table = read_table(path, "exam_results")
    assert table.frame.loc[2].tolist() == ["1234567", "MO-200", "27/09/2026", "850", "VCH000001", "oops"]


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "vide"),
        (b"\x00\x01\x02binary\x00", "binaire"),
        (b"PK\x03\x04 not really a csv", "renommer en .xlsx"),
        ("Titre\nsans,en,tête\n".encode(), "aucune ligne d'en-tête"),
        (b"PPR,Code examen,Date examen,Code voucher\n1234567,MO-200,27/09/2026,V1\n", "absente.*score"),
    ],
)
def test_files_that_cannot_be_used_are_refused_with_a_reason(tmp_path, content, message):
    path = tmp_path / "exam_results.csv"
    path.write_bytes(content)
    with pytest.raises(UnreadableFile, match=message):
        read_table(path, "exam_results")


def test_a_truncated_xlsx_is_refused(tmp_path):
    path = write_xlsx(tmp_path / "exam_results.xlsx", [["PPR", "Note"], [1, 2]])
    path.write_bytes(path.read_bytes()[:300])
    with pytest.raises(UnreadableFile, match="Excel"):
        read_table(path, "exam_results")


def test_a_header_only_file_is_usable_with_zero_rows(tmp_path):
    path = write_csv(tmp_path / "exam_results.csv", [["PPR", "Code examen", "Date examen", "Note", "Code voucher"]])
    assert read_table(path, "exam_results").frame.empty


def test_a_wider_row_further_down_keeps_its_extra_cell_and_the_row_numbers(tmp_path):
    path = tmp_path / "exam_results.csv"
    path.write_text(
        "PPR,Code examen,Date examen,Note,Code voucher\n1234567,MO-200,27/09/2026,850,VCH000001\n\n"
        '2345678,MO-100,"28/09/2026",640,VCH000002,"oops, again"\n'
    )
    table = read_table(path, "exam_results")
    assert list(table.frame.index) == [2, 4]
    assert table.frame.loc[4].tolist() == ["2345678", "MO-100", "28/09/2026", "640", "VCH000002", "oops, again"]
