"""Dataset-level quality checks (SPEC §3 and plausibility), as Great Expectations suites.

pandera checks each row of a file (`schemas/contracts.py`); what needs a whole dataset -- two
files, several directorates, earlier weeks -- is measured per directorate by
`tasks/evaluation/quality.py` into a small table of facts, one row per directorate, and judged
by GX expectations, one per check (`tasks/evaluation/expectations.py` runs them). A check's
severity is in its expectation's `meta`: a *warning* is reported; an *error* makes the
directorate's figures provisional and leaves it out of the ranking.
"""

from __future__ import annotations

from dataclasses import dataclass

WARNING, ERROR = "warning", "error"


@dataclass(frozen=True)
class QualityCheck:
    code: str
    column: str  # the fact measured per directorate
    max_value: float  # the fact must stay at or below this
    severity: str
    description: str


# Checks on a period's own drops: they decide the ranking, so earlier periods use them too.
PERIOD_CHECKS = (
    QualityCheck("W1", "w1", 0, WARNING, "exam voucher not in the directorate's ledger"),
    QualityCheck("W2", "w2", 0, WARNING, "exam voucher in the ledger but not consumed"),
    QualityCheck("W3", "w3", 0, WARNING, "consumed voucher with no exam attempt"),
    QualityCheck("W4", "w4", 0, WARNING, "voucher code in the ledgers of two or more directorates"),
    QualityCheck("W6", "w6", 0, WARNING, "attempt after a pass at the same exam"),
    QualityCheck(
        "P1",
        "consumed_excess",
        0,
        WARNING,
        "more consumed vouchers than exam attempts, beyond 3 or 5 % of the attempts",
    ),
    QualityCheck("E1", "quarantine_share", 0.5, ERROR, "more than half of a file's rows quarantined"),
    QualityCheck(
        "E2",
        "rows_lost_share",
        0.5,
        ERROR,
        "a cumulative file lost more than half of the rows of the last accepted one",
    ),
)
# Checks against the directorate's earlier weeks: reported, never blocking.
TREND_CHECKS = (
    QualityCheck("W5", "w5", 0, WARNING, "a cumulative count is lower than in the previous period"),
    QualityCheck(
        "P2",
        "certification_shift",
        0.25,
        WARNING,
        "certification rate more than 25 points from its median of the previous 4 weeks",
    ),
    QualityCheck(
        "P3",
        "weekly_volume_ratio",
        4,
        WARNING,
        "exams this week more than 4 times the usual weekly volume (median of 4 weeks + 5)",
    ),
)
