"""`nashra check`: a directorate's staff learn, in Arabic and French, what the run would do with a file."""

import subprocess
import sys

import pytest

from tests.conftest import EXAM_HEADER, write_csv, write_xlsx

GOOD = ["1234567", "Ali", "MO-200", "27/09/2026", "850", "oui", "VCH000001"]


def check(*args):
    command = [sys.executable, "-m", "nashra.cli", "check", *map(str, args), "--period", "2026-W47"]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


def test_a_good_file_would_be_accepted(tmp_path):
    result = check(write_csv(tmp_path / "exam_results.csv", [EXAM_HEADER, GOOD]))
    assert result.returncode == 0
    assert "سيقبل هذا الملف" in result.stdout and "serait accepté" in result.stdout
    assert "lignes en quarantaine : 0" in result.stdout


def test_quarantinable_rows_are_listed_with_their_rows_and_fixes(tmp_path):
    bad_date = [*GOOD[:3], "10/28/2026", *GOOD[4:6], "VCH000002"]
    path = write_csv(tmp_path / "results.csv", [EXAM_HEADER, GOOD, bad_date], encoding="cp1256", sep=";")
    result = check(path, "--source", "exam_results", "--directorate", "fes")
    assert result.returncode == 0
    assert "فاس — Fès" in result.stdout
    assert "lignes en quarantaine : 1" in result.stdout
    assert "الأسطر / lignes : 3" in result.stdout and "10/28/2026" in result.stdout
    assert "JJ/MM/AAAA" in result.stdout and "يوم/شهر/سنة" in result.stdout


def test_a_file_missing_a_column_would_be_rejected(tmp_path):
    path = write_csv(tmp_path / "exam_results.csv", [EXAM_HEADER[:5], GOOD[:5]])
    result = check(path)
    assert result.returncode == 1
    assert "سيرفض" in result.stdout and "rejeté" in result.stdout
    assert "« Code voucher »" in result.stdout and "« رقم القسيمة »" in result.stdout


@pytest.mark.parametrize(
    "make, words",
    [
        (lambda p: p.write_bytes(b""), "vide"),
        (lambda p: p.write_bytes(b"\x00\x01\x02\x03"), "binaire"),
        (lambda p: p.write_bytes(write_xlsx(p.with_suffix(".xlsx"), [["a"]]).read_bytes()[:200]), "renommer"),
        (lambda p: p.write_text("juste une phrase\n"), "en-tête"),
    ],
)
def test_broken_files_get_an_answer_and_no_traceback(tmp_path, make, words):
    path = tmp_path / "exam_results.csv"
    make(path)
    result = check(path)
    assert result.returncode == 1 and words in result.stdout
    assert "Traceback" not in result.stderr


def test_a_truncated_xlsx_and_a_header_only_file(tmp_path):
    xlsx = write_xlsx(tmp_path / "voucher_ledger.xlsx", [["voucher_code", "status"], ["V1", "x"]])
    xlsx.write_bytes(xlsx.read_bytes()[:400])
    assert check(xlsx).returncode == 1
    header_only = write_csv(tmp_path / "exam_results.csv", [EXAM_HEADER])
    result = check(header_only)
    assert result.returncode == 1 and "lignes lues : 0" in result.stdout
    assert "aucune ligne de données" in result.stdout and "serait accepté" not in result.stdout


def test_a_file_known_neither_by_name_nor_by_headers_needs_source(tmp_path):
    result = check(write_csv(tmp_path / "export.csv", [["voucher_code", "candidate_id"], ["VCH000001", "1234567"]]))
    assert result.returncode == 2 and "--source" in result.stderr and "type de fichier non reconnu" in result.stderr


def test_a_file_whose_every_row_would_be_set_aside_is_not_called_accepted(tmp_path):
    bad = [*GOOD[:3], "10/28/2026", *GOOD[4:]]
    result = check(write_csv(tmp_path / "exam_results.csv", [EXAM_HEADER, bad, [*bad[:6], "VCH000002"]]))
    assert result.returncode == 1
    assert "serait accepté" not in result.stdout and "سيقبل" not in result.stdout
    assert "Rien de ce fichier ne serait compté" in result.stdout and "لن يحتسب أي سطر" in result.stdout
    assert "lignes en quarantaine : 2" in result.stdout


def test_missing_columns_are_named_as_the_clerk_knows_them_with_a_guess_and_the_ignored_ones(tmp_path):
    header = ["Matricule", "Full name", "School", "Exam", "When", "Score final", "Pass", "Voucher#"]
    path = write_csv(tmp_path / "exam_results.csv", [header, GOOD[:1] + ["Ali", "L", *GOOD[2:]]])
    out = check(path).stdout
    assert "« Date examen »" in out and "« تاريخ الامتحان »" in out and "exam_date" not in out
    assert "« When » serait-elle cette colonne ? La renommer « Date examen »" in out
    assert "« Score final » serait-elle cette colonne ?" in out and "هل العمود « Voucher# » هو المقصود" in out
    assert "Colonnes non reconnues, ignorées : Full name, When, Score final, Pass, Voucher#" in out


def test_a_file_with_another_name_is_known_by_its_headers_and_says_so(tmp_path):
    result = check(write_csv(tmp_path / "export_octobre.csv", [EXAM_HEADER, GOOD]))
    assert result.returncode == 0
    assert "Résultats d'examens" in result.stdout and "d'après ses en-têtes" in result.stdout


def test_a_ledger_of_another_directorate_is_pointed_out(tmp_path):
    from tests.conftest import LEDGER_HEADER

    rows = [[f"VCH-MEK-{n:05d}", "01/09/2026", "31/12/2026", "disponible", "", ""] for n in range(1, 5)]
    result = check(write_csv(tmp_path / "voucher_ledger.csv", [LEDGER_HEADER, *rows]), "--directorate", "FES")
    assert "sont ceux de la direction MEK, pas de FES" in result.stdout and "تخص المديرية MEK" in result.stdout
    same = check(write_csv(tmp_path / "voucher_ledger.csv", [LEDGER_HEADER, *rows]), "--directorate", "MEK")
    assert same.returncode == 0 and "est-ce le bon fichier" not in same.stdout
