"""Issue 3: the submission register: expected, received, accepted, rejected, carried, missing, resubmitted."""

from nashra.periods import Period
from tasks.evaluation.period import evaluate_period
from tasks.intake.discover import scan_folders
from tasks.outputs.register import register_counts, submission_register
from tests.conftest import EXAM_HEADER, LEDGER_HEADER, write_csv

P = Period.parse("2026-W47")
EXAM = ["1234567", "", "MO-200", "27/09/2026", "850", "oui", "VCH000001"]
VOUCHER = ["VCH000001", "01/09/2026", "31/12/2026", "consommé", "27/09/2026", "1234567"]


def register(raw, reference, state):
    folders = scan_folders(raw, P, reference.codes)
    result = evaluate_period(reference, P, folders)
    rows = submission_register(result.directorates, folders[0], state)
    return {(r["directorate"], r["source"]): r for r in rows}, rows


def test_outcomes_and_resubmissions(tmp_path, reference):
    raw, state = tmp_path / "raw", tmp_path / "state"
    write_csv(raw / "2026-W46" / "MEK" / "voucher_ledger.csv", [LEDGER_HEADER, VOUCHER])
    write_csv(raw / "2026-W47" / "FES" / "exam_results.csv", [EXAM_HEADER, EXAM])
    write_csv(raw / "2026-W47" / "FES" / "voucher_ledger.csv", [LEDGER_HEADER, VOUCHER])
    write_csv(raw / "2026-W47" / "MEK" / "exam_results.csv", [EXAM_HEADER, EXAM])
    write_csv(raw / "2026-W47" / "HAJ" / "exam_results.csv", [["nothing", "useful"]])

    by_key, rows = register(raw, reference, state)
    assert len(rows) == 18 and all(r["expected"] for r in rows)
    assert by_key[("FES", "exam_results")]["outcome"] == "accepted"
    assert (by_key[("MEK", "voucher_ledger")]["outcome"], by_key[("MEK", "voucher_ledger")]["used_period"]) == (
        "carried",
        "2026-W46",
    )
    assert by_key[("HAJ", "exam_results")]["outcome"] == "rejected" and by_key[("HAJ", "exam_results")]["received"]
    assert by_key[("IFR", "exam_results")]["outcome"] == "missing" and not by_key[("IFR", "exam_results")]["received"]
    assert register_counts(rows) == {
        "expected": 18,
        "received": 4,
        "accepted": 3,
        "rejected": 1,
        "carried": 1,
        "missing": 13,
        "replaced": 0,
    }

    again, _ = register(raw, reference, state)  # a re-run with the same files: nothing replaced
    assert not again[("FES", "exam_results")]["replaced"]

    first = again[("FES", "exam_results")]["sha256"]
    write_csv(raw / "2026-W47" / "FES" / "exam_results.csv", [EXAM_HEADER, EXAM, [*EXAM[:6], "VCH000002"]])
    resent, _ = register(raw, reference, state)
    entry = resent[("FES", "exam_results")]
    assert entry["replaced"] and entry["replaced_sha256"] == first and entry["sha256"] != first
