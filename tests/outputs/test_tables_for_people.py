"""Tables that open right for the people who read them (issue 11): rankings.xlsx for the analyst,
quarantine files and rejection notes in Arabic and French for the clerk, reasons naming the
column as the clerk's file spells it."""

import io

import pandas as pd
from openpyxl import load_workbook

from nashra.periods import Period
from tasks.evaluation.period import evaluate_period
from tasks.evaluation.ranking import ranking_frame
from tasks.intake.discover import scan_folders
from tasks.outputs.tables import write_quarantine, write_tables
from tests.conftest import LEDGER_HEADER, write_csv

P = Period.parse("2026-W47")
FRENCH_HEADER = ["Matricule", "Nom", "Code examen", "Date examen", "Note", "Résultat", "Code voucher"]
GOOD = ["1234567", "Ali", "MO-200", "27/09/2026", "850", "oui", "VCH000001"]
VOUCHER = ["VCH000001", "01/09/2026", "31/12/2026", "consommé", "27/09/2026", "1234567"]


def week(tmp_path, reference, exams):
    raw = tmp_path / "raw"
    write_csv(raw / "2026-W47" / "FES" / "exam_results.csv", [FRENCH_HEADER, *exams], sep=";")
    write_csv(raw / "2026-W47" / "FES" / "voucher_ledger.csv", [LEDGER_HEADER, VOUCHER])
    return evaluate_period(reference, P, scan_folders(raw, P, reference.codes))


def test_rankings_xlsx_has_numbers_percentages_and_arabic_right_to_left(tmp_path, reference):
    current = week(tmp_path, reference, [GOOD])
    previous = evaluate_period(reference, P.previous(), scan_folders(tmp_path / "raw", P, reference.codes))
    ranking = ranking_frame(current.table, previous.table, reference, str(P))
    ranking.loc[ranking.index[0], "name_fr"] = '=HYPERLINK("http://x")'  # text stays text
    written = write_tables(tmp_path / "out", ranking, list(current.directorates.values()), as_of=P.as_of)
    path = tmp_path / "out" / "rankings.xlsx"
    assert path in written
    sheet = load_workbook(path).active
    header = [cell.value for cell in sheet[1]]
    fes = next(row for row in sheet.iter_rows(min_row=2) if row[header.index("directorate_code")].value == "FES")
    rate = fes[header.index("certification_rate")]
    assert rate.data_type == "n" and rate.value == 1 and rate.number_format == "0.0%"  # a number, as a percentage
    assert isinstance(fes[header.index("exams_taken")].value, int)
    assert fes[header.index("name_ar")].alignment.readingOrder == 2
    first = next(sheet.iter_rows(min_row=2, max_row=2))[header.index("name_fr")]
    assert first.data_type == "s" and first.value.startswith("=HYPERLINK")
    again = write_tables(tmp_path / "out", ranking, list(current.directorates.values()), as_of=P.as_of)
    assert again[path] == written[path]  # a re-run writes the same bytes


def test_quarantine_files_speak_both_languages_with_the_clerk_s_own_headers(tmp_path, reference):
    bad_score = [*GOOD[:4], "790,5", "oui", "VCH000002"]
    current = week(tmp_path, reference, [GOOD, bad_score])
    write_quarantine(tmp_path / "q", list(current.directorates.values()))
    table = pd.read_csv(tmp_path / "q" / "FES_exam_results.csv", encoding="utf-8-sig", dtype=str)
    assert list(table.columns[:2]) == ["السطر / ligne (row)", "الأسباب / raisons (reasons)"]
    reason = table.iloc[0, 1]
    assert "Note « 790,5 »" in reason and "nombre entier de 0 à 1000" in reason
    assert "يجب أن تكون النقطة عددا صحيحا" in reason and "score" not in reason


def test_the_note_beside_a_rejected_file_is_in_both_languages(tmp_path, reference):
    current = week(tmp_path, reference, [GOOD])
    (tmp_path / "raw" / "2026-W47" / "FES" / "exam_results.csv").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
    current = evaluate_period(reference, P, scan_folders(tmp_path / "raw", P, reference.codes))
    written = write_quarantine(tmp_path / "q", list(current.directorates.values()))
    [note] = [p for p in written if p.suffix == ".txt"]
    text = note.read_text(encoding="utf-8")
    assert "احفظه بصيغة" in text and "Classeur Excel (*.xlsx)" in text
    assert io.StringIO(text).readline().strip() == "2026-W47/FES/exam_results.csv"
