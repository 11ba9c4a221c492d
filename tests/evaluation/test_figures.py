"""SPEC §4 on a fixture small enough to check by hand (as-of Sunday 22/11/2026, week 16-22/11)."""

import pandas as pd
import pytest

from nashra.periods import Period
from tasks.evaluation.figures import directorate_figures, region_figures, with_pass_flag
from tasks.evaluation.ranking import rank, rank_change

P = Period.parse("2026-W47")
PASSING = {"MO-100": 700, "MO-200": 700, "MO-300": 700}
T = pd.Timestamp


def exams_frame(rows):
    return pd.DataFrame(rows, columns=["directorate", "candidate_id", "exam_code", "exam_date", "score"]).astype(
        {"exam_date": "datetime64[ns]", "score": "Int64"}
    )


def ledger_frame(rows):
    frame = pd.DataFrame(rows, columns=["directorate", "voucher_code", "status", "expires_on", "consumed_on"])
    return frame.astype({"expires_on": "datetime64[ns]", "consumed_on": "datetime64[ns]"})


EXAMS = exams_frame(
    [
        ("AAA", "c1", "MO-200", T("2026-10-01"), 800),
        ("AAA", "c1", "MO-100", T("2026-11-17"), 600),
        ("AAA", "c2", "MO-200", T("2026-11-18"), 700),  # exactly the passing score: passed
        ("AAA", "c3", "MO-300", T("2026-11-20"), 0),
        ("BBB", "d1", "MO-200", T("2026-11-19"), 900),
        ("BBB", "d2", "MO-200", T("2026-11-16"), 750),  # the Monday: in the week
    ]
)
LEDGER = ledger_frame(
    [
        ("AAA", "V1", "consumed", T("2027-01-31"), T("2026-10-01")),
        ("AAA", "V2", "consumed", T("2027-01-31"), T("2026-11-17")),
        ("AAA", "V3", "consumed", T("2027-01-31"), T("2026-11-18")),
        ("AAA", "V4", "consumed", T("2027-01-31"), T("2026-11-22")),
        ("AAA", "V5", "available", T("2026-12-01"), None),  # expiring within 30 days
        ("AAA", "V6", "assigned", T("2026-11-21"), None),  # lapsed: counts as expired
        ("AAA", "V7", "expired", T("2026-11-01"), None),
        ("AAA", "V8", "cancelled", T("2026-12-01"), None),  # not allocated, not expiring
        ("AAA", "V9", "available", T("2026-12-22"), None),  # as-of + 30 days: still expiring
        ("AAA", "V10", "available", T("2026-12-23"), None),
        ("BBB", "W1", "consumed", T("2026-12-31"), T("2026-11-19")),
        ("BBB", "W2", "consumed", T("2026-12-31"), T("2026-11-15")),  # the Sunday before: not this week
    ]
)
TARGETS = pd.Series({"AAA": 10, "BBB": 2, "CCC": 1})


@pytest.fixture(scope="module")
def figures():
    return directorate_figures(with_pass_flag(EXAMS, PASSING), LEDGER, TARGETS, P)


@pytest.mark.parametrize(
    "figure, expected",
    [
        ("vouchers_allocated", 9),
        ("vouchers_consumed", 4),
        ("vouchers_expired", 2),
        ("vouchers_expiring_30d", 2),
        ("consumption_rate", 4 / 9),
        ("exams_taken", 4),
        ("exams_passed", 2),
        ("certification_rate", 0.5),
        ("candidates_examined", 3),
        ("candidates_certified", 2),
        ("beneficiaries_target", 10),
        ("target_progress", 0.2),
        ("exams_taken_week", 3),
        ("exams_passed_week", 1),
        ("vouchers_consumed_week", 3),
        ("score", 100 * (0.4 * 4 / 9 + 0.3 * 0.5 + 0.3 * 0.2)),
    ],
)
def test_each_figure_of_a_directorate(figures, figure, expected):
    assert figures.at["AAA", figure] == pytest.approx(expected)


def test_a_directorate_with_no_rows_has_zero_rates(figures):
    assert figures.loc["CCC", ["vouchers_allocated", "consumption_rate", "certification_rate", "score"]].tolist() == [
        0,
        0,
        0,
        0,
    ]


def test_target_progress_is_not_capped_but_the_score_caps_it():
    figures = directorate_figures(with_pass_flag(EXAMS, PASSING), LEDGER, pd.Series({"BBB": 1}), P)
    assert figures.at["BBB", "target_progress"] == 2.0  # two candidates certified, target 1
    assert figures.at["BBB", "score"] == pytest.approx(100 * (0.4 + 0.3 + 0.3))


def test_region_figures_are_sums_and_recomputed_rates(figures):
    region = region_figures(figures)
    assert region["vouchers_allocated"] == 11 and region["vouchers_consumed"] == 6
    assert region["exams_taken_week"] == 5 and region["vouchers_consumed_week"] == 4
    assert region["consumption_rate"] == pytest.approx(6 / 11)  # not the mean of 4/9, 1 and 0
    assert region["certification_rate"] == pytest.approx(4 / 6)
    assert region["target_progress"] == pytest.approx(4 / 13)


def test_ranking_by_score_then_consumption_then_code():
    frame = pd.DataFrame(
        {"score": [50.0, 70.0, 50.0, 50.0], "consumption_rate": [0.5, 0.1, 0.6, 0.5]},
        index=pd.Index(["TAZ", "FES", "MEK", "HAJ"]),
    )
    assert rank(frame).to_dict() == {"TAZ": 4, "FES": 1, "MEK": 2, "HAJ": 3}


def test_rank_change_is_previous_rank_minus_rank_now():
    now = pd.Series([1, 2, 3, pd.NA], index=["FES", "MEK", "HAJ", "BOU"], dtype="Int64")
    before = pd.Series([2, 1, pd.NA, 3], index=["FES", "MEK", "HAJ", "BOU"], dtype="Int64")
    change = rank_change(now, before)
    assert change["FES"] == 1 and change["MEK"] == -1
    assert pd.isna(change["HAJ"]) and pd.isna(change["BOU"])  # unranked then or now
