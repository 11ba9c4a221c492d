"""Files as directorates really save them (issue 11): Excel's French CSV (Windows-1252), its
Arabic one (Windows-1256), « CSV UTF-8 », « Texte Unicode » (UTF-16, tabs), an .xls; the
encoding decided on evidence, and a doubt said rather than guessed silently."""

import pytest

from nashra.periods import Period
from tasks.intake.check import check_file, render_report
from tasks.intake.encodings import decode
from tasks.intake.read import UnreadableFile, read_table
from tests.conftest import write_csv

P = Period.parse("2026-W47")
FRENCH_HEADER = ["Matricule", "Nom", "Établissement", "Code examen", "Date examen", "Note", "Résultat", "Code voucher"]
FRENCH_ROWS = [
    ["1234567", "Élodie Benali", "Lycée Émir", "MO-200", "27/09/2026", "850", "RÉUSSI", "VCH-FES-00001"],
    ["2345678", "Zoé Idrissi", "École Ibn Sina", "MO-200", "28/09/2026", "512", "ÉCHOUÉ", "VCH-FES-00002"],
]
ARABIC_HEADER = ["رقم التأجير", "الاسم الكامل", "المؤسسة", "رمز الامتحان", "تاريخ الامتحان", "النقطة", "الحكم"]
ARABIC_HEADER.append("رقم القسيمة")
ARABIC_ROWS = [["1234567", "أحمد العلوي", "ثانوية الأمل", "MO-200", "27/09/2026", "850", "ناجح", "VCH-FES-00001"]]


def test_a_french_excel_csv_in_windows_1252_keeps_its_accented_capitals(tmp_path, reference):
    path = write_csv(tmp_path / "exam_results.csv", [FRENCH_HEADER, *FRENCH_ROWS], encoding="cp1252", sep=";")
    raw = read_table(path, "exam_results")
    assert raw.encoding == "windows-1252" and raw.encoding_doubt is None
    assert raw.columns["establishment"] == "Établissement" and raw.columns["passed"] == "Résultat"
    assert raw.frame[raw.columns["passed"]].tolist() == ["RÉUSSI", "ÉCHOUÉ"]
    report = check_file(path, "exam_results", P, reference)
    assert (report.rows_read, report.rows_accepted, report.rows_quarantined) == (2, 2, 0)


def test_an_arabic_excel_csv_in_windows_1256_is_read_as_arabic(tmp_path):
    path = write_csv(tmp_path / "exam_results.csv", [ARABIC_HEADER, *ARABIC_ROWS], encoding="cp1256", sep=";")
    raw = read_table(path, "exam_results")
    assert raw.encoding == "windows-1256" and raw.encoding_doubt is None
    assert raw.frame[raw.columns["establishment"]].tolist() == ["ثانوية الأمل"]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig"])
def test_utf8_with_or_without_bom(tmp_path, encoding):
    path = write_csv(tmp_path / "exam_results.csv", [FRENCH_HEADER, *FRENCH_ROWS], encoding=encoding)
    raw = read_table(path, "exam_results")
    assert raw.encoding == "utf-8" and raw.frame[raw.columns["passed"]].tolist() == ["RÉUSSI", "ÉCHOUÉ"]


def test_excel_unicode_text_utf16_with_tabs(tmp_path):
    path = write_csv(tmp_path / "exam_results.csv", [ARABIC_HEADER, *ARABIC_ROWS], encoding="utf-16", sep="\t")
    raw = read_table(path, "exam_results")
    assert (raw.encoding, raw.separator) == ("utf-16", "\t")
    assert raw.frame[raw.columns["candidate_name"]].tolist() == ["أحمد العلوي"]


def test_a_tab_separated_utf8_file_is_read_like_commas(tmp_path):
    path = write_csv(tmp_path / "exam_results.csv", [FRENCH_HEADER, *FRENCH_ROWS], sep="\t")
    raw = read_table(path, "exam_results")
    assert raw.separator == "\t" and len(raw.frame) == 2 and len(raw.columns) == 8


def test_an_excel_97_workbook_is_asked_again_as_xlsx_in_both_languages(tmp_path, reference):
    path = tmp_path / "exam_results.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    with pytest.raises(UnreadableFile) as caught:
        read_table(path, "exam_results")
    assert ".xlsx" in str(caught.value) and "xlsx" in caught.value.arabic and "97-2003" in str(caught.value)
    text = render_report(check_file(path, "exam_results", P, reference))
    assert "Classeur Excel (*.xlsx)" in text and "احفظه بصيغة" in text


def test_an_xls_in_a_drop_folder_is_listed_with_how_to_save_it(tmp_path, reference):
    from tasks.intake.discover import scan_folders

    (tmp_path / "2026-W47" / "FES").mkdir(parents=True)
    (tmp_path / "2026-W47" / "FES" / "exam_results.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
    ignored = scan_folders(tmp_path, P, reference.codes)[0].ignored
    assert [(i["directorate"], i["source"]) for i in ignored] == [("FES", "exam_results")]
    assert "xlsx" in ignored[0]["reason"] and "97-2003" in ignored[0]["reason"]


def test_when_the_bytes_read_the_same_kind_of_text_both_ways_the_doubt_is_said(tmp_path, reference):
    # One capital É alone: ة in Windows-1256, É in Windows-1252, neither reading odd.
    assert decode("id;nom\n1;É\n".encode("cp1252")).doubt is not None
    rows = [["candidate_id", "candidate_name", "exam_code", "exam_date", "score", "passed", "voucher_code"]]
    rows.append(["1234567", "É", "MO-200", "27/09/2026", "850", "oui", "VCH-FES-00001"])
    path = write_csv(tmp_path / "exam_results.csv", rows, encoding="cp1252")
    text = render_report(check_file(path, "exam_results", P, reference))
    assert "encodage du fichier incertain" in text and "ترميز الملف غير مؤكد" in text


def test_clear_evidence_raises_no_doubt():
    assert decode(";".join(FRENCH_HEADER).encode("cp1252")).doubt is None
    assert decode(";".join(ARABIC_HEADER).encode("cp1256")).doubt is None
    assert decode("Lycée;école".encode("cp1252")).doubt is None  # the same text either way


def test_the_receipt_says_when_the_encoding_of_the_week_s_file_was_a_guess(tmp_path, reference):
    from tasks.delivery.receipts import plan_receipts
    from tasks.evaluation.period import evaluate_period
    from tasks.intake.discover import scan_folders
    from tests.conftest import EXAM_HEADER, LEDGER_HEADER

    raw = tmp_path / "raw"
    exam = ["1234567", "É", "MO-200", "27/09/2026", "850", "oui", "VCH000001"]
    write_csv(raw / "2026-W47" / "FES" / "exam_results.csv", [EXAM_HEADER, exam], encoding="cp1252")
    voucher = ["VCH000001", "01/09/2026", "31/12/2026", "consommé", "27/09/2026", "1234567"]
    write_csv(raw / "2026-W47" / "FES" / "voucher_ledger.csv", [LEDGER_HEADER, voucher])
    current = evaluate_period(reference, P, scan_folders(raw, P, reference.codes))
    receipts = [r for r in plan_receipts(reference, P, current.directorates, tmp_path / "q") if r.scope == "FES"]
    assert receipts and "encodage du fichier incertain" in receipts[0].body
    assert "ترميز الملف غير مؤكد" in receipts[0].body
