"""The figures of SPEC §4, one function per figure, each named as the spec names it.

Every function takes and returns Series indexed by directorate code, so the module reads like
the spec's table; `directorate_figures` wires them and `region_figures` reuses the rate
functions on the sums.
"""

from __future__ import annotations

from datetime import timedelta

import pandas as pd

from nashra.periods import Period

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


def _count(rows: pd.DataFrame, codes: pd.Index) -> pd.Series:
    return rows.groupby("directorate").size().reindex(codes, fill_value=0).astype("int64")


def _ratio(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    """numerator / denominator, 0 where the denominator is 0 (SPEC §4)."""
    return (numerator / denominator.where(denominator != 0)).fillna(0.0).astype("float64")


def _in_week(dates: pd.Series, period: Period) -> pd.Series:
    start = pd.Timestamp(period.monday)
    return (dates >= start) & (dates < start + timedelta(days=7))


def _open_vouchers(ledger: pd.DataFrame) -> pd.Series:
    return ledger["status"].isin(["available", "assigned"])


def vouchers_allocated(ledger: pd.DataFrame, codes: pd.Index) -> pd.Series:
    """Ledger rows whose status is not `cancelled`."""
    return _count(ledger[ledger["status"] != "cancelled"], codes)


def vouchers_consumed(ledger: pd.DataFrame, codes: pd.Index) -> pd.Series:
    return _count(ledger[ledger["status"] == "consumed"], codes)


def vouchers_expired(ledger: pd.DataFrame, codes: pd.Index, as_of: pd.Timestamp) -> pd.Series:
    """Status `expired`, or still open with `expires_on` before the as-of date."""
    lapsed = _open_vouchers(ledger) & (ledger["expires_on"] < as_of)
    return _count(ledger[(ledger["status"] == "expired") | lapsed], codes)


def vouchers_expiring_30d(ledger: pd.DataFrame, codes: pd.Index, as_of: pd.Timestamp) -> pd.Series:
    """Open vouchers with as-of <= `expires_on` <= as-of + 30 days: the director's action list."""
    return _count(ledger[expiring_within_30_days(ledger, as_of)], codes)


def expiring_within_30_days(ledger: pd.DataFrame, as_of: pd.Timestamp) -> pd.Series:
    expires = ledger["expires_on"]
    return _open_vouchers(ledger) & (expires >= as_of) & (expires <= as_of + timedelta(days=30))


def consumption_rate(vouchers_consumed: pd.Series, vouchers_allocated: pd.Series) -> pd.Series:
    return _ratio(vouchers_consumed, vouchers_allocated)


def exams_taken(exams: pd.DataFrame, codes: pd.Index) -> pd.Series:
    return _count(exams, codes)


def exams_passed(exams: pd.DataFrame, codes: pd.Index) -> pd.Series:
    """Exam rows with a score at or above the exam's passing score."""
    return _count(exams[exams["is_pass"]], codes)


def certification_rate(exams_passed: pd.Series, exams_taken: pd.Series) -> pd.Series:
    return _ratio(exams_passed, exams_taken)


def candidates_examined(exams: pd.DataFrame, codes: pd.Index) -> pd.Series:
    return exams.groupby("directorate")["candidate_id"].nunique().reindex(codes, fill_value=0).astype("int64")


def candidates_certified(exams: pd.DataFrame, codes: pd.Index) -> pd.Series:
    return candidates_examined(exams[exams["is_pass"]], codes)


def target_progress(candidates_certified: pd.Series, beneficiaries_target: pd.Series) -> pd.Series:
    """Not capped: a directorate past its target shows more than 100 %."""
    return _ratio(candidates_certified, beneficiaries_target)


def exams_taken_week(exams: pd.DataFrame, codes: pd.Index, period: Period) -> pd.Series:
    return _count(exams[_in_week(exams["exam_date"], period)], codes)


def exams_passed_week(exams: pd.DataFrame, codes: pd.Index, period: Period) -> pd.Series:
    return _count(exams[_in_week(exams["exam_date"], period) & exams["is_pass"]], codes)


def vouchers_consumed_week(ledger: pd.DataFrame, codes: pd.Index, period: Period) -> pd.Series:
    consumed = (ledger["status"] == "consumed") & _in_week(ledger["consumed_on"], period)
    return _count(ledger[consumed], codes)


def score(consumption_rate: pd.Series, certification_rate: pd.Series, target_progress: pd.Series) -> pd.Series:
    """100 x (0.4 consumption + 0.3 certification + 0.3 target progress capped at 1)."""
    return 100 * (0.4 * consumption_rate + 0.3 * certification_rate + 0.3 * target_progress.clip(upper=1))


def with_pass_flag(exams: pd.DataFrame, passing_scores: dict[str, int]) -> pd.DataFrame:
    """Exam rows with `is_pass`: score >= the exam's passing score (the `passed` column is only checked)."""
    return exams.assign(is_pass=(exams["score"] >= exams["exam_code"].map(passing_scores)).fillna(False).astype(bool))


def directorate_figures(exams: pd.DataFrame, ledger: pd.DataFrame, targets: pd.Series, period: Period) -> pd.DataFrame:
    """All figures for the directorates in `targets.index`, from their accepted rows.

    `exams` and `ledger` carry a `directorate` column, `exams` its `is_pass` (with_pass_flag);
    as-of is the period's Sunday.
    """
    codes = targets.index
    as_of = pd.Timestamp(period.as_of)
    f = pd.DataFrame(index=codes)
    f["vouchers_allocated"] = vouchers_allocated(ledger, codes)
    f["vouchers_consumed"] = vouchers_consumed(ledger, codes)
    f["vouchers_expired"] = vouchers_expired(ledger, codes, as_of)
    f["vouchers_expiring_30d"] = vouchers_expiring_30d(ledger, codes, as_of)
    f["exams_taken"] = exams_taken(exams, codes)
    f["exams_passed"] = exams_passed(exams, codes)
    f["candidates_examined"] = candidates_examined(exams, codes)
    f["candidates_certified"] = candidates_certified(exams, codes)
    f["beneficiaries_target"] = targets.astype("int64")
    f["exams_taken_week"] = exams_taken_week(exams, codes, period)
    f["exams_passed_week"] = exams_passed_week(exams, codes, period)
    f["vouchers_consumed_week"] = vouchers_consumed_week(ledger, codes, period)
    return with_rates(f)[list(FIGURES)]


def with_rates(counts: pd.DataFrame) -> pd.DataFrame:
    """Rates and score recomputed from counts: used for directorates and for the region's sums."""
    f = counts.copy()
    f["consumption_rate"] = consumption_rate(f["vouchers_consumed"], f["vouchers_allocated"])
    f["certification_rate"] = certification_rate(f["exams_passed"], f["exams_taken"])
    f["target_progress"] = target_progress(f["candidates_certified"], f["beneficiaries_target"])
    f["score"] = score(f["consumption_rate"], f["certification_rate"], f["target_progress"])
    return f


def region_figures(figures: pd.DataFrame) -> pd.Series:
    """Sums of the counts over the directorates given (those not missing); rates from the sums."""
    sums = figures[list(COUNTS)].sum().to_frame("REGION").T.astype("int64")
    return with_rates(sums)[list(FIGURES)].iloc[0]
