"""SPEC §2 and §2.4: what is found, ignored, rejected, carried over; data_status and data_period."""

import pandas as pd

from nashra.periods import Period
from tasks.evaluation.period import evaluate_period
from tasks.intake.discover import scan_folders, scan_period
from tasks.outputs.tables import write_quarantine
from tests.conftest import EXAM_HEADER, LEDGER_HEADER, write_csv

P = Period.parse("2026-W47")
EXAM = ["1234567", "", "MO-200", "27/09/2026", "850", "oui", "VCH000001"]
VOUCHER = ["VCH000001", "01/09/2026", "31/12/2026", "consommé", "27/09/2026", "1234567"]


def drop(raw, period, code, source, rows=None, header=None, ext="csv"):
    header = header or (EXAM_HEADER if source == "exam_results" else LEDGER_HEADER)
    rows = [EXAM] if rows is None and source == "exam_results" else rows if rows is not None else [VOUCHER]
    return write_csv(raw / period / code / f"{source}.{ext}", [header, *rows])


def test_folders_are_matched_case_insensitively_and_strays_are_listed(tmp_path):
    drop(tmp_path, "2026-W47", "Taz", "exam_results")
    drop(tmp_path, "2026-W47", "XYZ", "exam_results")
    (tmp_path / "2026-W47" / "Taz" / "notes.txt").write_text("hello")
    (tmp_path / "2026-W47" / "readme.txt").write_text("hello")
    folder = scan_period(tmp_path, P, ["TAZ", "FES"])
    assert list(folder.drops) == [("TAZ", "exam_results")]
    reasons = {item["path"].split("2026-W47/")[1]: item["reason"] for item in folder.ignored}
    assert set(reasons) == {"XYZ", "Taz/notes.txt", "readme.txt"}
    assert "XYZ" in reasons["XYZ"] and "FES, TAZ" not in reasons["XYZ"]


def test_a_source_sent_as_both_csv_and_xlsx_is_ignored_and_treated_as_not_sent(tmp_path):
    drop(tmp_path, "2026-W47", "FES", "exam_results")
    (tmp_path / "2026-W47" / "FES" / "exam_results.xlsx").write_bytes(b"PK")
    folder = scan_period(tmp_path, P, ["FES"])
    assert folder.drops == {}
    assert len(folder.ignored) == 2 and all("plusieurs fichiers" in i["reason"] for i in folder.ignored)


def test_received_carried_and_missing(tmp_path, reference):
    for code in ("FES", "MEK", "HAJ"):
        drop(tmp_path, "2026-W45", code, "exam_results")
        drop(tmp_path, "2026-W45", code, "voucher_ledger")
    for code in ("FES", "MEK"):
        drop(tmp_path, "2026-W47", code, "exam_results")
    drop(tmp_path, "2026-W47", "FES", "voucher_ledger")
    drop(tmp_path, "2026-W46", "MEK", "voucher_ledger", header=["voucher_code", "status"], rows=[])  # rejected
    drop(tmp_path, "2026-W47", "IFR", "exam_results")  # never a ledger: missing
    result = evaluate_period(reference, P, scan_folders(tmp_path, P, reference.codes))
    table = result.table
    assert table.loc["FES", ["data_status", "data_period"]].tolist() == ["received", "2026-W47"]
    assert table.loc["MEK", ["data_status", "data_period"]].tolist() == ["carried", "2026-W45"]
    assert table.loc["HAJ", ["data_status", "data_period"]].tolist() == ["carried", "2026-W45"]
    assert table.loc["IFR", "data_status"] == "missing" and pd.isna(table.loc["IFR", "data_period"])
    assert table.loc["SEF", "data_status"] == "missing"
    assert table["rank"].notna().sum() == 3 and table.loc["IFR", ["rank", "exams_taken"]].isna().all()
    assert table.loc["IFR", "beneficiaries_target"] == 450  # a missing directorate's target may be shown

    mek = [(i.source, i.data_period, i.status) for i in result.directorates["MEK"].inputs]
    assert mek == [
        ("exam_results", "2026-W47", "accepted"),
        ("voucher_ledger", "2026-W46", "rejected"),
        ("voucher_ledger", "2026-W45", "carried"),
    ]
    rejected = result.directorates["MEK"].inputs[1]
    assert "absente" in rejected.error and "« Date d'attribution »" in rejected.error
    ifr = [(i.source, i.status) for i in result.directorates["IFR"].inputs]
    assert ifr == [("exam_results", "accepted"), ("voucher_ledger", "missing")]


def test_carried_data_is_evaluated_as_of_the_run_period(tmp_path, reference):
    late = ["2345678", "", "MO-200", "20/11/2026", "850", "oui", "VCH000002"]  # after W46's Sunday
    drop(tmp_path, "2026-W46", "FES", "exam_results", rows=[EXAM, late])
    drop(tmp_path, "2026-W46", "FES", "voucher_ledger")
    result = evaluate_period(reference, P, scan_folders(tmp_path, P, reference.codes))
    assert result.table.loc["FES", "exams_taken"] == 2  # as of 22/11 the late row is valid
    assert result.table.loc["FES", "exams_taken_week"] == 1
    before = evaluate_period(reference, P.previous(), scan_folders(tmp_path, P, reference.codes))
    assert before.table.loc["FES", "exams_taken"] == 1  # as of 15/11 it is quarantined


def test_a_run_never_reads_drops_of_a_later_period(tmp_path, reference):
    drop(tmp_path, "2026-W48", "FES", "exam_results")
    drop(tmp_path, "2026-W48", "FES", "voucher_ledger")
    result = evaluate_period(reference, P, scan_folders(tmp_path, P, reference.codes))
    assert result.table.loc["FES", "data_status"] == "missing"


def test_a_file_gone_since_the_scan_is_rejected_with_a_reason_and_the_earlier_one_carried(tmp_path, reference):
    drop(tmp_path, "2026-W46", "FES", "exam_results")
    drop(tmp_path, "2026-W46", "FES", "voucher_ledger")
    drop(tmp_path, "2026-W47", "FES", "voucher_ledger")
    moved = drop(tmp_path, "2026-W47", "FES", "exam_results")
    folders = scan_folders(tmp_path, P, reference.codes)
    moved.unlink()  # someone replaces the file on the shared drive while the run reads the others
    fes = evaluate_period(reference, P, folders).directorates["FES"]
    assert fes.data_status == "carried"
    [rejected, carried] = fes.sources["exam_results"].inputs
    assert rejected.status == "rejected" and rejected.sha256 is None
    assert "déplacé ou remplacé" in rejected.error
    assert carried.status == "carried" and carried.data_period == "2026-W46"
    written = write_quarantine(tmp_path / "quarantine", [fes])
    [note] = [path for path in written if path.name == "FES_exam_results_2026-W47_rejected.txt"]
    assert "déplacé ou remplacé" in note.read_text()


def test_an_evidence_workbook_that_fails_costs_no_figure_and_says_why(reference):
    """The evidence of the figures never costs the figures: the directorate is read as it is, the
    failure is named, and the cells as written are let go all the same."""
    from nashra.paths import RAW_DIR
    from tasks.intake.ingest import WeekFiles

    period = Period.parse("2026-W47")
    week = WeekFiles.of(reference, period, scan_folders(RAW_DIR, period, reference.codes))
    seen = {}

    def failing(data):
        seen["cells"] = data.sources["exam_results"].table.written
        raise OSError("No space left on device")

    data = week.read("FES", evidence=failing)
    assert data.data_status == "received" and data.evidence is None
    assert data.evidence_error == "OSError: No space left on device"
    assert len(seen["cells"]) == data.sources["exam_results"].table.rows_accepted
    assert all(s.table.written is None for s in data.sources.values())
