"""A period evaluated from its drops: figures, data status and rank of every directorate.

The same function serves the run's period, the previous one (for rank_change and W5) and the
recent ones (for trends), so "as its own drops give them" (SPEC §4) holds by construction.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from nashra.periods import Period
from nashra.reference import Reference
from schemas.contracts import RuleContext
from schemas.headers import EXAM_RESULTS, VOUCHER_LEDGER
from tasks.cross_checks import Finding, cross_checks
from tasks.discover import PeriodFolder, earlier_periods, scan_period
from tasks.figures import FIGURES, directorate_figures, with_pass_flag
from tasks.ingest import MISSING, DirectorateData, load_directorate
from tasks.ranking import rank


@dataclass
class PeriodResult:
    period: Period
    directorates: dict[str, DirectorateData]
    table: pd.DataFrame  # index code: data_status, data_period, rank, then FIGURES (NaN when missing)

    @property
    def present(self) -> list[str]:
        return [c for c, d in self.directorates.items() if d.data_status != MISSING]


def rule_context(reference: Reference, period: Period) -> RuleContext:
    passing = reference.exams["passing_score"].astype(int).to_dict()
    return RuleContext(as_of=period.as_of, start=reference.start_date, passing_scores=passing)


def scan_folders(raw_dir, period: Period, codes: list[str]) -> list[PeriodFolder]:
    """The period's folder, then every earlier one, newest first (carry-over looks in this order)."""
    return [scan_period(raw_dir, p, codes) for p in [period, *earlier_periods(raw_dir, period)]]


def folders_up_to(folders: list[PeriodFolder], period: Period) -> list[PeriodFolder]:
    """The folders a run for `period` may read: its own (possibly empty) and the earlier ones."""
    earlier = [f for f in folders if f.period < period]
    own = next((f for f in folders if f.period == period), PeriodFolder(period))
    return [own, *earlier]


def combined_rows(directorates: list[DirectorateData], source: str) -> pd.DataFrame:
    """The accepted rows of `source` for the given directorates, with `directorate` and `row` columns."""
    frames = [
        d.sources[source].rows.rename_axis("row").reset_index().assign(directorate=d.code)
        for d in directorates
        if d.sources[source].usable
    ]
    if not frames:
        columns = [
            "row",
            "directorate",
            "voucher_code",
            "status",
            "exam_code",
            "exam_date",
            "score",
            "candidate_id",
            "allocated_on",
            "expires_on",
            "consumed_on",
        ]
        return pd.DataFrame(columns=columns)
    return pd.concat(frames, ignore_index=True)


def period_table(directorates: dict[str, DirectorateData], reference: Reference, period: Period) -> pd.DataFrame:
    """Status, rank and figures for every directorate of the reference, in reference order."""
    present = [d for d in directorates.values() if d.data_status != MISSING]
    codes = pd.Index([d.code for d in present], name="code")
    exams = combined_rows(present, EXAM_RESULTS)
    ledger = combined_rows(present, VOUCHER_LEDGER)
    passing = reference.exams["passing_score"].astype(int).to_dict()
    figures = directorate_figures(exams, ledger, reference.targets.reindex(codes), period, passing)
    table = pd.DataFrame(index=pd.Index(reference.codes, name="code"))
    table["data_status"] = [directorates[c].data_status for c in table.index]
    table["data_period"] = [
        str(directorates[c].data_period) if directorates[c].data_period else None for c in table.index
    ]
    table["rank"] = rank(figures).reindex(table.index)
    table = table.join(figures[list(FIGURES)])
    table["beneficiaries_target"] = reference.targets.reindex(table.index)
    return table


def evaluate_period(raw_dir, reference: Reference, period: Period, folders: list[PeriodFolder]) -> PeriodResult:
    """Everything a run needs to know about `period`, read from its drops (plain, no Prefect)."""
    own = folders_up_to(folders, period)
    ctx = rule_context(reference, period)
    directorates = {code: load_directorate(code, own, ctx) for code in reference.codes}
    return PeriodResult(period, directorates, period_table(directorates, reference, period))


def period_findings(result: PeriodResult, previous_table: pd.DataFrame, reference: Reference) -> list[Finding]:
    """The cross-checks W1-W6 (SPEC §3) on the rows the directorates' figures use."""
    present = [result.directorates[c] for c in result.present]
    passing = reference.exams["passing_score"].astype(int).to_dict()
    return cross_checks(
        with_pass_flag(combined_rows(present, EXAM_RESULTS), passing),
        combined_rows(present, VOUCHER_LEDGER),
        result.present,
        result.table.loc[result.present],
        previous_table[previous_table["data_status"] != MISSING],
    )
