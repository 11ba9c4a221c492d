"""The facts behind the dataset-level checks, one row per directorate, and what GX says of them.

Counts come from the cross-checks of `tasks/cross_checks.py` (with their examples); the
judgement -- which directorate fails which check, at which severity -- comes from the GX
suites of `schemas/quality.py`. An *error* makes a directorate provisional.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd

from nashra.periods import Period
from schemas.quality import ERROR, PERIOD_CHECKS, TREND_CHECKS
from tasks.evaluation import cross_checks as cc
from tasks.evaluation.cross_checks import Finding
from tasks.evaluation.expectations import Failure, Validator, validate_facts
from tasks.intake.ingest import DirectorateData

RECENT_WEEKS = 4


def _counts(findings: list[Finding], code: str, index: pd.Index) -> pd.Series:
    counts = {f.directorate: f.count for f in findings if f.code == code}
    return pd.Series(counts, dtype="float64").reindex(index, fill_value=0.0)


def period_facts(present: list[DirectorateData], table: pd.DataFrame, exams: pd.DataFrame, ledger: pd.DataFrame):
    """Facts of a period's own drops, and the cross-check findings (with examples) they count."""
    index = pd.Index([d.code for d in present], name="code")
    exams, ledger = cc.with_voucher_ids(exams, ledger)
    findings = [
        *cc.w1_voucher_not_in_ledger(exams, ledger),
        *cc.w2_voucher_not_consumed(exams, ledger),
        *cc.w3_consumed_without_exam(exams, ledger),
        *cc.w4_shared_voucher(ledger),
        *cc.w6_attempt_after_pass(exams),
    ]
    facts = pd.DataFrame({code.lower(): _counts(findings, code, index) for code in ("W1", "W2", "W3", "W4", "W6")})
    figures = table.loc[index]
    tolerance = np.maximum(3, 0.05 * figures["exams_taken"].astype(float))
    facts["consumed_excess"] = (figures["vouchers_consumed"] - figures["exams_taken"] - tolerance).clip(lower=0)
    facts["quarantine_share"] = pd.Series(
        {
            d.code: max(
                (
                    s.table.rows_quarantined / s.table.rows_read
                    for s in d.sources.values()
                    if s.table is not None and s.table.rows_read
                ),
                default=0.0,
            )
            for d in present
        },
        dtype="float64",
    ).reindex(index, fill_value=0.0)
    facts["rows_lost_share"] = pd.Series(
        {d.code: max(s.rows_lost_share for s in d.sources.values()) for d in present}, dtype="float64"
    ).reindex(index, fill_value=0.0)
    return facts.astype("float64"), findings


def trend_facts(table: pd.DataFrame, history: dict[Period, pd.DataFrame], period: Period):
    """Facts against the directorate's earlier weeks (W5, P2, P3), and the W5 findings."""
    present = table[table["data_status"] != "missing"]
    previous = history.get(period.previous())
    before = previous[previous["data_status"] != "missing"] if previous is not None else previous
    findings = cc.w5_cumulative_fell(present, before) if before is not None else []
    recent = [history[q] for q in sorted(history)[-RECENT_WEEKS:]]

    def recent_median(column: str) -> pd.Series:
        if not recent:
            return pd.Series(np.nan, index=present.index)
        frame = pd.concat([t[column].where(t["data_status"] != "missing") for t in recent], axis=1)
        return frame.astype("float64").median(axis=1, skipna=True).reindex(present.index)

    facts = pd.DataFrame(index=present.index)
    facts["w5"] = _counts(findings, "W5", present.index)
    shift = (present["certification_rate"] - recent_median("certification_rate")).abs()
    facts["certification_shift"] = shift.where(present["exams_taken"] >= 20).fillna(0.0)
    usual = recent_median("exams_taken_week")
    facts["weekly_volume_ratio"] = (present["exams_taken_week"] / (usual + 5)).fillna(0.0)
    return facts.astype("float64"), findings


def describe(failure: Failure, table: pd.DataFrame, facts: pd.DataFrame) -> tuple[str, ...]:
    """Words a director can check for a plausibility or error finding."""
    row, fact = table.loc[failure.directorate], facts.loc[failure.directorate]
    if failure.code == "P1":
        return (f"vouchers consommés {int(row['vouchers_consumed'])}, examens {int(row['exams_taken'])}",)
    if failure.code == "E1":
        return (f"{100 * fact['quarantine_share']:.0f} % des lignes d'un fichier en quarantaine",)
    if failure.code == "E2":
        return (f"{100 * fact['rows_lost_share']:.0f} % des lignes du dernier fichier accepté ont disparu",)
    if failure.code == "P2":
        return (
            f"taux de certification {100 * row['certification_rate']:.1f} %, écart {100 * failure.value:.1f} points "
            "avec la médiane des 4 semaines précédentes",
        )
    if failure.code == "P3":
        return (f"{int(row['exams_taken_week'])} examens cette semaine, {failure.value:.1f} fois le volume habituel",)
    return ()


def assess(
    facts: pd.DataFrame,
    counted: list[Finding],
    table: pd.DataFrame,
    *,
    suite: str,
    with_trends: bool,
    docs_dir: Path | None = None,
    run_time: datetime | None = None,
    validate: Validator = validate_facts,
) -> list[Finding]:
    """Judge `facts` with the GX suites (run by `validate`: here, or where the flow loaded GX);
    return the findings, each with its severity."""
    checks = PERIOD_CHECKS + TREND_CHECKS if with_trends else PERIOD_CHECKS
    examples = {(f.code, f.directorate): f for f in counted}
    findings = []
    for failure in validate(facts, checks, suite, docs_dir=docs_dir, run_time=run_time):
        known = examples.get((failure.code, failure.directorate))
        count, found = (known.count, known.examples) if known else (1, describe(failure, table, facts))
        findings.append(Finding(failure.code, failure.directorate, count, found, failure.severity))
    return findings


def provisional(findings: list[Finding]) -> dict[str, list[str]]:
    """Directorates with an error-severity finding, and the codes of those errors."""
    blocked: dict[str, list[str]] = {}
    for finding in findings:
        if finding.severity == ERROR:
            blocked.setdefault(finding.directorate, []).append(finding.code)
    return blocked
