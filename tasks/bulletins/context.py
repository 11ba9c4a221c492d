"""What each bulletin shows (SPEC §6), as plain dicts for the templates.

The regional context holds aggregates only; a directorate's context holds its own rows'
aggregates and voucher codes, never candidate names.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import pandas as pd

from nashra.periods import Period
from nashra.reference import Reference
from schemas import labels
from schemas.headers import EXAM_RESULTS, VOUCHER_LEDGER
from tasks.bulletins import comparison
from tasks.evaluation.cross_checks import Finding
from tasks.evaluation.figures import (
    FIGURES,
    SCORE_WEIGHTS,
    SOURCE_OF,
    WEEK_FIGURES,
    region_figures,
    vouchers_expiring_30d,
    with_pass_flag,
)
from tasks.evaluation.moves import ranked_counts, standing
from tasks.evaluation.period import PeriodResult
from tasks.intake.ingest import MISSING
from tasks.outputs.manifest import code_version, input_records, inputs_fingerprint
from tasks.outputs.register import register_counts

EXPIRING_LISTED = 40


@dataclass
class RunView:
    """Everything about the run that the bulletins draw on."""

    reference: Reference
    current: PeriodResult
    ranking: pd.DataFrame  # rankings.csv rows
    history: list[tuple[Period, pd.DataFrame]]  # recent periods' tables, oldest first, the current one last
    findings: list[Finding]
    inputs: list[dict]
    fingerprint: str
    code_version: str
    register: list[dict] = field(default_factory=list)  # the submission register of the period

    @classmethod
    def of(
        cls, reference: Reference, current: PeriodResult, ranking: pd.DataFrame, *, history: dict, register, raw_dir
    ):
        """The view of a run: its period with the earlier ones, what was read (paths relative to
        `raw_dir`), its fingerprint and the code's version."""
        inputs = input_records(current, raw_dir)
        return cls(
            reference=reference,
            current=current,
            ranking=ranking,
            history=[*sorted(history.items()), (current.period, current.table)],
            findings=current.findings,
            inputs=inputs,
            fingerprint=inputs_fingerprint(inputs),
            code_version=code_version(),
            register=register,
        )

    @cached_property
    def region(self) -> dict | None:
        """The region's figures this period (every bulletin shows them: computed once per run)."""
        return region_of(self.current.table)

    @property
    def data_status(self) -> dict[str, str]:
        """Directorate code -> received, carried or missing (SPEC §2.4)."""
        return dict(zip(self.ranking["directorate_code"], self.ranking["data_status"], strict=True))

    @cached_property
    def region_trend(self) -> list[dict]:
        return trend(self)


def _row(series: pd.Series) -> dict:
    return {k: (None if not isinstance(v, str) and pd.isna(v) else v) for k, v in series.items()}


def _common(view: RunView) -> dict:
    period = view.current.period
    return {
        "period": str(period),
        "monday": period.monday,
        "as_of": period.as_of,
        "programme": view.reference.programme,
        "fingerprint": view.fingerprint,
        "code_version": view.code_version,
        "labels": labels,
        "figure_names": FIGURES,
        "median": comparison.regional_median(view.ranking),
        "expected_progress": comparison.expected_progress(
            period.as_of, view.reference.start_date, view.reference.phase_deadline
        ),
        "phase_deadline": view.reference.phase_deadline,
        "small_numbers": comparison.SMALL_NUMBERS,
    }


def region_of(table: pd.DataFrame) -> dict | None:
    present = table[table["data_status"] != MISSING]
    return _row(region_figures(present)) if len(present) else None


def trend(view: RunView, code: str | None = None, height: float = 48.0) -> list[dict]:
    """One point per recent period, the region's (code None) or one directorate's; a period with
    no data is a gap (figures None), not a zero. `height` is the tallest bar, in points."""
    points: list[dict[str, Any]] = []
    for period, table in view.history:
        if code is None:
            figures = region_of(table)
        else:
            row = table.loc[code]
            figures = None if row["data_status"] == MISSING else _row(row)
        points.append({"period": str(period), "week": period.week, "figures": figures, "not_received": False})
    peak = max((p["figures"]["exams_taken_week"] for p in points if p["figures"]), default=0) or 1
    for point in points:
        value = point["figures"]["exams_taken_week"] if point["figures"] else None
        point["bar"] = None if value is None else round(max(0.8, height * value / peak), 1)
    return points


def _warning_counts(findings: list[Finding], code: str) -> dict[str, int]:
    return {f.code: f.count for f in findings if f.directorate == code}


def _quality(view: RunView, code: str) -> dict:
    directorate = view.current.directorates[code]
    reasons: dict[str, int] = {}
    quarantined = duplicates = 0
    for source in directorate.sources.values():
        if source.table is not None:
            quarantined += source.table.rows_quarantined
            duplicates += source.table.rows_duplicate
            for key, count in source.table.reason_counts.items():
                reasons[key] = reasons.get(key, 0) + count
    return {
        "quarantined": quarantined,
        "duplicates": duplicates,
        "rejected": sum(len(s.rejected) for s in directorate.sources.values()),
        "warnings": _warning_counts(view.findings, code),
        "reasons": [(*labels.reason(k), n) for k, n in sorted(reasons.items())],
        "inputs": [i for i in view.inputs if i["directorate"] == code],
    }


def regional_context(view: RunView) -> dict:
    ranking = [_row(r) for _, r in view.ranking.iterrows()]
    present = [r for r in ranking if r["data_status"] != MISSING]
    return {
        **_common(view),
        "region": view.region,
        "ranking": ranking,
        "chart": sorted(present, key=lambda r: -r["consumption_rate"]),
        "trend": view.region_trend,
        "quality": {r["directorate_code"]: _quality(view, r["directorate_code"]) for r in ranking},
        "warning_codes": list(labels.WARNINGS),
        "counts": {s: sum(r["data_status"] == s for r in ranking) for s in labels.DATA_STATUS},
        "provisional_count": sum(bool(r["provisional"]) for r in ranking),
        "register": {(r["directorate"], r["source"]): r for r in view.register},
        "register_counts": register_counts(view.register) if view.register else None,
    }


def _flagged_exams(view: RunView, code: str) -> pd.DataFrame | None:
    rows = view.current.directorates[code].sources[EXAM_RESULTS].rows
    return None if rows is None else with_pass_flag(rows, view.reference.passing_scores)


def _exam_breakdown(view: RunView, flagged: pd.DataFrame | None) -> list[dict]:
    exams = view.reference.exams
    if flagged is None or flagged.empty:
        return []
    grouped = flagged.groupby("exam_code").agg(taken=("is_pass", "size"), passed=("is_pass", "sum"))
    grouped["rate"] = grouped["passed"] / grouped["taken"]
    return [
        {
            "exam_code": exam,
            "title_ar": exams.at[exam, "title_ar"],
            "title_fr": exams.at[exam, "title_fr"],
            "taken": int(r.taken),
            "passed": int(r.passed),
            "rate": float(r.rate),
        }
        for exam, r in grouped.sort_index().iterrows()
    ]


def _expiring(view: RunView, code: str) -> list[dict]:
    ledger = view.current.directorates[code].sources[VOUCHER_LEDGER].rows
    if ledger is None or ledger.empty:
        return []
    soon = ledger[vouchers_expiring_30d(ledger, pd.Timestamp(view.current.period.as_of))]
    soon = soon.sort_values(["expires_on", "voucher_code"])
    return [
        {"voucher_code": v, "expires_on": e.date(), "status": s}
        for v, e, s in zip(soon["voucher_code"], soon["expires_on"], soon["status"], strict=True)
    ]


def not_received_this_week(view: RunView, code: str) -> set[str]:
    """This week's figures of `code` whose file was carried from an earlier week: it has none of
    this week's rows, so their 0 means « not received », not "nothing happened" (issue 26)."""
    sources = view.current.directorates[code].sources
    carried = {name for name, data in sources.items() if data.used_period not in (None, view.current.period)}
    return {figure for figure in WEEK_FIGURES if SOURCE_OF[figure] in carried}


def _own_trend(view: RunView, code: str, not_received: set[str]) -> list[dict]:
    """The directorate's weekly bars; this week's is « not received » when its exam file was carried."""
    points = trend(view, code)
    if "exams_taken_week" in not_received:
        points[-1] |= {"bar": None, "not_received": True}
    return points


def directorate_context(view: RunView, code: str) -> dict:
    row = _row(view.ranking.set_index("directorate_code").loc[code])
    ranked = view.ranking["rank"].notna().sum()
    expiring = _expiring(view, code)
    sources = view.current.directorates[code].sources
    not_received = not_received_this_week(view, code)
    flagged = _flagged_exams(view, code)
    place = standing(ranked_counts(view.current.table), code)
    expected = comparison.expected_progress(
        view.current.period.as_of, view.reference.start_date, view.reference.phase_deadline
    )
    return {
        "on_track": comparison.on_track(row["target_progress"], expected),
        "distance_next": place.gap if place else None,
        "by_establishment": comparison.expiring_by_establishment(
            sources[VOUCHER_LEDGER].rows, sources[EXAM_RESULTS].rows, view.current.period.as_of
        ),
        **_common(view),
        "code": code,
        "d": row,
        "missing": row["data_status"] == MISSING,
        "region": view.region,
        "ranked_count": int(ranked),
        "trend": _own_trend(view, code, not_received),
        "not_received": not_received,
        "region_trend": view.region_trend,
        "expiring": expiring[:EXPIRING_LISTED],
        "expiring_more": max(0, len(expiring) - EXPIRING_LISTED),
        "exams": _exam_breakdown(view, flagged),
        "establishments": comparison.by_establishment(flagged, view.current.period),
        "quality": _quality(view, code),
        "findings": [f for f in view.findings if f.directorate == code],
        "standing": place,
        "weights": SCORE_WEIGHTS,
    }
