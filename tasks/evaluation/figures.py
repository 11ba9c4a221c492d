"""The figures of SPEC §4, one function per figure, each named as the spec names it.

A counted figure is its row rule: a boolean per accepted row saying whether the row counts
(`voucher_rules`, `exam_rules`), so the run's counts and the evidence workbook that lists the
rows behind them are the same code. A rate is its numerator and denominator (`RATE_PARTS`); the
score weighs the rates (`SCORE_WEIGHTS`). `directorate_figures` wires them and `region_figures`
reuses the rates on the sums.
"""

from __future__ import annotations

from datetime import timedelta

import pandas as pd

from nashra.periods import Period
from schemas.headers import EXAM_RESULTS, VOUCHER_LEDGER

COUNTS = (
    "vouchers_allocated",
    "vouchers_consumed",
    "vouchers_expired",
    "vouchers_expiring_30d",
    "exams_taken",
    "exams_passed",
    "candidates_examined",
    "candidates_certified",
    "beneficiaries_target",
    "exams_taken_week",
    "exams_passed_week",
    "vouchers_consumed_week",
)
RATES = ("consumption_rate", "certification_rate", "target_progress")
FIGURES = (
    "vouchers_allocated",
    "vouchers_consumed",
    "vouchers_expired",
    "vouchers_expiring_30d",
    "consumption_rate",
    "exams_taken",
    "exams_passed",
    "certification_rate",
    "candidates_examined",
    "candidates_certified",
    "beneficiaries_target",
    "target_progress",
    "exams_taken_week",
    "exams_passed_week",
    "vouchers_consumed_week",
    "score",
)


def _ratio(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    """numerator / denominator, 0 where the denominator is 0 (SPEC §4)."""
    return (numerator / denominator.where(denominator != 0)).fillna(0.0).astype("float64")


def _in_week(dates: pd.Series, period: Period) -> pd.Series:
    start = pd.Timestamp(period.monday)
    return ((dates >= start) & (dates < start + timedelta(days=7))).fillna(False).astype(bool)


def _open_vouchers(ledger: pd.DataFrame) -> pd.Series:
    return ledger["status"].isin(["available", "assigned"])


# The row rules: which rows a counted figure counts, one function per figure (SPEC §4), each a
# boolean per row. The counts below and the evidence workbooks (tasks/outputs/evidence) use them.


def vouchers_allocated(ledger: pd.DataFrame) -> pd.Series:
    """Ledger rows whose status is not `cancelled`."""
    return (ledger["status"] != "cancelled").astype(bool)


def vouchers_consumed(ledger: pd.DataFrame) -> pd.Series:
    return (ledger["status"] == "consumed").astype(bool)


def vouchers_expired(ledger: pd.DataFrame, as_of: pd.Timestamp) -> pd.Series:
    """Status `expired`, or still open with `expires_on` before the as-of date."""
    lapsed = _open_vouchers(ledger) & (ledger["expires_on"] < as_of).fillna(False)
    return ((ledger["status"] == "expired") | lapsed).astype(bool)


def vouchers_expiring_30d(ledger: pd.DataFrame, as_of: pd.Timestamp) -> pd.Series:
    """Open vouchers with as-of <= `expires_on` <= as-of + 30 days: the director's action list."""
    expires = ledger["expires_on"]
    within = ((expires >= as_of) & (expires <= as_of + timedelta(days=30))).fillna(False)
    return (_open_vouchers(ledger) & within).astype(bool)


def vouchers_consumed_week(ledger: pd.DataFrame, period: Period) -> pd.Series:
    return vouchers_consumed(ledger) & _in_week(ledger["consumed_on"], period)


def exams_taken(exams: pd.DataFrame) -> pd.Series:
    """Every exam row."""
    return pd.Series(True, index=exams.index)


def exams_passed(exams: pd.DataFrame) -> pd.Series:
    """Exam rows with a score at or above the exam's passing score (`is_pass`, with_pass_flag)."""
    return exams["is_pass"].astype(bool)


def exams_taken_week(exams: pd.DataFrame, period: Period) -> pd.Series:
    return _in_week(exams["exam_date"], period)


def exams_passed_week(exams: pd.DataFrame, period: Period) -> pd.Series:
    return exams_passed(exams) & _in_week(exams["exam_date"], period)


# The counted figures of each file, and this week's (counted from the rows dated in the week).
VOUCHER_FIGURES = (
    "vouchers_allocated",
    "vouchers_consumed",
    "vouchers_expired",
    "vouchers_expiring_30d",
    "vouchers_consumed_week",
)
EXAM_FIGURES = ("exams_taken", "exams_passed", "exams_taken_week", "exams_passed_week")
WEEK_FIGURES = ("exams_taken_week", "exams_passed_week", "vouchers_consumed_week")
# The file whose rows a counted figure counts.
SOURCE_OF = {
    **dict.fromkeys(VOUCHER_FIGURES, VOUCHER_LEDGER),
    **dict.fromkeys((*EXAM_FIGURES, "candidates_examined", "candidates_certified"), EXAM_RESULTS),
}


def voucher_rules(ledger: pd.DataFrame, period: Period) -> pd.DataFrame:
    """Each ledger row's counted figures, a boolean column per figure (as-of: the period's Sunday)."""
    as_of = pd.Timestamp(period.as_of)
    return pd.DataFrame(
        {
            "vouchers_allocated": vouchers_allocated(ledger),
            "vouchers_consumed": vouchers_consumed(ledger),
            "vouchers_expired": vouchers_expired(ledger, as_of),
            "vouchers_expiring_30d": vouchers_expiring_30d(ledger, as_of),
            "vouchers_consumed_week": vouchers_consumed_week(ledger, period),
        },
        index=ledger.index,
    )


def exam_rules(exams: pd.DataFrame, period: Period) -> pd.DataFrame:
    """Each exam row's counted figures, a boolean column per figure."""
    return pd.DataFrame(
        {
            "exams_taken": exams_taken(exams),
            "exams_passed": exams_passed(exams),
            "exams_taken_week": exams_taken_week(exams, period),
            "exams_passed_week": exams_passed_week(exams, period),
        },
        index=exams.index,
    )


def _counted(rules: pd.DataFrame, directorates: pd.Series, codes: pd.Index) -> pd.DataFrame:
    """Rows counted per directorate, figure by figure."""
    return rules.groupby(directorates.to_numpy()).sum().reindex(codes, fill_value=0).astype("int64")


def candidates_examined(exams: pd.DataFrame, codes: pd.Index) -> pd.Series:
    """Distinct candidate_id over the exam rows."""
    return exams.groupby("directorate")["candidate_id"].nunique().reindex(codes, fill_value=0).astype("int64")


def candidates_certified(exams: pd.DataFrame, codes: pd.Index) -> pd.Series:
    """Distinct candidate_id with at least one passed exam."""
    return candidates_examined(exams[exams_passed(exams)], codes)


# SPEC §4's score: each rate's weight (target progress counted up to 1).
SCORE_WEIGHTS = {"consumption_rate": 0.4, "certification_rate": 0.3, "target_progress": 0.3}


def score_points(rate: str, values: pd.Series) -> pd.Series:
    """What one rate adds to the score: 100 × its weight × the rate (target progress capped at 1)."""
    counted = values.clip(upper=1) if rate == "target_progress" else values
    return 100 * SCORE_WEIGHTS[rate] * counted


def score(consumption_rate: pd.Series, certification_rate: pd.Series, target_progress: pd.Series) -> pd.Series:
    """100 x (0.4 consumption + 0.3 certification + 0.3 target progress capped at 1)."""
    w = SCORE_WEIGHTS
    return 100 * (
        w["consumption_rate"] * consumption_rate
        + w["certification_rate"] * certification_rate
        + w["target_progress"] * target_progress.clip(upper=1)
    )


def with_pass_flag(exams: pd.DataFrame, passing_scores: dict[str, int]) -> pd.DataFrame:
    """Exam rows with `is_pass`: score >= the exam's passing score (the `passed` column is only checked)."""
    return exams.assign(is_pass=(exams["score"] >= exams["exam_code"].map(passing_scores)).fillna(False).astype(bool))


def directorate_figures(exams: pd.DataFrame, ledger: pd.DataFrame, targets: pd.Series, period: Period) -> pd.DataFrame:
    """All figures for the directorates in `targets.index`, from their accepted rows.

    `exams` and `ledger` carry a `directorate` column, `exams` its `is_pass` (with_pass_flag);
    as-of is the period's Sunday.
    """
    codes = targets.index
    f = pd.DataFrame(index=codes)
    f = f.join(_counted(voucher_rules(ledger, period), ledger["directorate"], codes))
    f = f.join(_counted(exam_rules(exams, period), exams["directorate"], codes))
    f["candidates_examined"] = candidates_examined(exams, codes)
    f["candidates_certified"] = candidates_certified(exams, codes)
    f["beneficiaries_target"] = targets.astype("int64")
    return with_rates(f)[list(FIGURES)]


# Each rate of SPEC §4 and the counts it divides: numerator, denominator (with_rates, the
# evidence workbook's recounts, `nashra explain`). Target progress is not capped: a directorate
# past its target shows more than 100 %.
RATE_PARTS = {
    "consumption_rate": ("vouchers_consumed", "vouchers_allocated"),
    "certification_rate": ("exams_passed", "exams_taken"),
    "target_progress": ("candidates_certified", "beneficiaries_target"),
}


def with_rates(counts: pd.DataFrame) -> pd.DataFrame:
    """Rates and score recomputed from counts: used for directorates and for the region's sums."""
    f = counts.copy()
    for rate, (top, bottom) in RATE_PARTS.items():
        f[rate] = _ratio(f[top], f[bottom])
    f["score"] = score(f["consumption_rate"], f["certification_rate"], f["target_progress"])
    return f


def region_figures(figures: pd.DataFrame) -> pd.Series:
    """Sums of the counts over the directorates given (those not missing); rates from the sums."""
    sums = figures[list(COUNTS)].sum().to_frame("REGION").T.astype("int64")
    return with_rates(sums)[list(FIGURES)].iloc[0]
