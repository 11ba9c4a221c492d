"""The pandera row contracts of SPEC §2.2, over columns already parsed by `schemas.columns`.

Each check's `error` is a reason code from `schemas.reasons`; row-level reasons are read back
from pandera's failure cases, so every rule is written once, here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
import pandera.pandas as pa

from schemas.columns import STATUSES
from schemas.headers import EXAM_RESULTS, VOUCHER_LEDGER


@dataclass(frozen=True)
class RuleContext:
    """What the rules depend on besides the row: the as-of date, programme start, exam catalogue."""

    as_of: date
    start: date
    passing_scores: dict[str, int]


def _passed_agrees_with_score(ctx: RuleContext):
    def check(frame: pd.DataFrame) -> pd.Series:
        threshold = frame["exam_code"].map(ctx.passing_scores)
        expected = frame["score"] >= threshold
        comparable = frame["passed"].notna() & expected.notna()
        return ~comparable | (frame["passed"] == expected).fillna(True)

    return check


def exam_results_schema(ctx: RuleContext) -> pa.DataFrameSchema:
    as_of, start = pd.Timestamp(ctx.as_of), pd.Timestamp(ctx.start)
    return pa.DataFrameSchema(
        {
            "candidate_id": pa.Column(object, nullable=False),
            "candidate_name": pa.Column(object, nullable=True),
            "establishment": pa.Column(object, nullable=True),
            "exam_code": pa.Column(
                object, pa.Check.isin(sorted(ctx.passing_scores), error="exam_code.unknown"), nullable=False
            ),
            "exam_date": pa.Column(
                "datetime64[ns]",
                [
                    pa.Check.le(as_of, error="date.after_as_of"),
                    pa.Check.ge(start, error="exam_date.before_start"),
                ],
                nullable=False,
            ),
            "score": pa.Column("Int64", pa.Check.in_range(0, 1000, error="score.out_of_range"), nullable=False),
            "passed": pa.Column("boolean", nullable=True),
            "voucher_code": pa.Column(object, nullable=False),
        },
        checks=[pa.Check(_passed_agrees_with_score(ctx), error="passed.disagrees")],
        strict=True,
    )


def voucher_ledger_schema(ctx: RuleContext) -> pa.DataFrameSchema:
    as_of = pd.Timestamp(ctx.as_of)

    def expires_after_allocation(frame: pd.DataFrame) -> pd.Series:
        return (frame["expires_on"] >= frame["allocated_on"]).fillna(True)

    def consumed_on_given(frame: pd.DataFrame) -> pd.Series:
        return ~((frame["status"] == "consumed") & frame["consumed_on"].isna())

    def consumed_on_only_when_consumed(frame: pd.DataFrame) -> pd.Series:
        return ~(frame["status"].notna() & (frame["status"] != "consumed") & frame["consumed_on"].notna())

    def consumed_on_in_range(frame: pd.DataFrame) -> pd.Series:
        when = frame["consumed_on"]
        outside = (when < frame["allocated_on"]) | (when > as_of)
        return ~((frame["status"] == "consumed") & outside.fillna(False))

    return pa.DataFrameSchema(
        {
            "voucher_code": pa.Column(object, nullable=False),
            "allocated_on": pa.Column("datetime64[ns]", pa.Check.le(as_of, error="date.after_as_of"), nullable=False),
            "expires_on": pa.Column("datetime64[ns]", nullable=False),
            "status": pa.Column(object, pa.Check.isin(STATUSES, error="status.invalid"), nullable=False),
            "consumed_on": pa.Column("datetime64[ns]", nullable=True),
            "candidate_id": pa.Column(object, nullable=True),
        },
        checks=[
            pa.Check(expires_after_allocation, error="expires_on.before_allocation"),
            pa.Check(consumed_on_given, error="consumed_on.missing"),
            pa.Check(consumed_on_only_when_consumed, error="consumed_on.not_consumed"),
            pa.Check(consumed_on_in_range, error="consumed_on.out_of_range"),
        ],
        strict=True,
    )


SCHEMAS = {EXAM_RESULTS: exam_results_schema, VOUCHER_LEDGER: voucher_ledger_schema}
