"""SPEC §3: each cross-check fires on a small fixture, counts what the spec says, flags without deleting."""

import pandas as pd

from tasks.evaluation.cross_checks import (
    w1_voucher_not_in_ledger,
    w2_voucher_not_consumed,
    w3_consumed_without_exam,
    w4_shared_voucher,
    w5_cumulative_fell,
    w6_attempt_after_pass,
    with_voucher_ids,
)

T = pd.Timestamp


def exams(rows):
    frame = pd.DataFrame(
        rows, columns=["directorate", "row", "candidate_id", "exam_code", "exam_date", "is_pass", "voucher_code"]
    )
    return frame.astype({"exam_date": "datetime64[ns]"})


def ledger(rows):
    return pd.DataFrame(rows, columns=["directorate", "row", "voucher_code", "status"])


EXAMS, LEDGER = with_voucher_ids(
    exams(
        [
            ("FES", 2, "111111", "MO-200", T("2026-10-01"), True, "V1"),
            ("FES", 3, "111111", "MO-200", T("2026-10-20"), False, "V2"),  # W6: after a pass
            ("FES", 4, "222222", "MO-100", T("2026-10-02"), False, "V9"),  # W1: not in ledger
            ("FES", 5, "222222", "MO-100", T("2026-10-25"), True, "V3"),  # a retake after a failure is fine
            ("MEK", 2, "333333", "MO-200", T("2026-10-03"), True, "M1"),
        ]
    ),
    ledger(
        [
            ("FES", 2, "V1", "consumed"),
            ("FES", 3, "V2", "assigned"),  # W2
            ("FES", 4, "V3", "consumed"),
            ("FES", 5, "V4", "consumed"),  # W3: no exam
            ("FES", 6, "S1", "available"),
            ("MEK", 2, "M1", "consumed"),
            ("MEK", 3, "S1", "available"),  # W4
        ]
    ),
)


def test_w1_exam_voucher_not_in_ledger():
    [finding] = w1_voucher_not_in_ledger(EXAMS, LEDGER)
    assert (finding.directorate, finding.count, finding.examples) == ("FES", 1, ("ligne 4 : V9",))


def test_w2_exam_voucher_not_consumed():
    [finding] = w2_voucher_not_consumed(EXAMS, LEDGER)
    assert (finding.directorate, finding.count) == ("FES", 1) and "assigned" in finding.examples[0]


def test_w3_consumed_voucher_without_exam():
    [finding] = w3_consumed_without_exam(EXAMS, LEDGER)
    assert (finding.directorate, finding.count, finding.examples) == ("FES", 1, ("ligne 5 : V4",))


def test_w4_shared_code_is_reported_for_each_holder():
    found = {f.directorate: f for f in w4_shared_voucher(LEDGER)}
    assert set(found) == {"FES", "MEK"} and found["FES"].examples == ("S1 (aussi : MEK)",)


def test_w5_counts_the_figures_that_fell():
    now = pd.DataFrame({"exams_taken": [10, 5], "vouchers_allocated": [20, 9]}, index=["FES", "MEK"])
    before = pd.DataFrame({"exams_taken": [11, 5], "vouchers_allocated": [21, 9]}, index=["FES", "MEK"])
    [finding] = w5_cumulative_fell(now, before)
    assert (finding.directorate, finding.count) == ("FES", 2)
    assert finding.examples[0] == "exams_taken : de 11 à 10"


def test_w5_is_silent_when_the_directorate_was_missing_before():
    now = pd.DataFrame({"exams_taken": [10], "vouchers_allocated": [20]}, index=["FES"])
    assert w5_cumulative_fell(now, now.iloc[0:0]) == []


def test_w6_attempt_after_a_pass_at_the_same_exam():
    [finding] = w6_attempt_after_pass(EXAMS)
    assert (finding.directorate, finding.count, finding.examples) == ("FES", 1, ("ligne 3 : V2",))


def test_voucher_ids_match_across_the_two_files_within_one_directorate_only():
    exam_ids = EXAMS.set_index(["directorate", "voucher_code"])["voucher_id"]
    ledger_ids = LEDGER.set_index(["directorate", "voucher_code"])["voucher_id"]
    assert exam_ids[("FES", "V1")] == ledger_ids[("FES", "V1")]
    assert ledger_ids[("FES", "S1")] != ledger_ids[("MEK", "S1")]
    assert ledger_ids.is_unique
