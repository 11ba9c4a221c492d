"""A period evaluated from its drops: figures, data status and rank of every directorate.

The same function serves the run's period, the previous one (for rank_change and W5) and the
recent ones (for trends), so "as its own drops give them" (SPEC §4) holds by construction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, time
from pathlib import Path

import pandas as pd

from nashra.periods import Period
from nashra.reference import Reference
from schemas.headers import COLUMNS, EXAM_RESULTS, VOUCHER_LEDGER
from tasks.evaluation import quality
from tasks.evaluation.cross_checks import Finding
from tasks.evaluation.expectations import Validator, validate_facts
from tasks.evaluation.figures import FIGURES, directorate_figures, with_pass_flag
from tasks.evaluation.ranking import rank
from tasks.intake.discover import PeriodFolder
from tasks.intake.ingest import MISSING, DirectorateData, Loader, WeekFiles


@dataclass
class PeriodResult:
    period: Period
    directorates: dict[str, DirectorateData]
    table: pd.DataFrame  # index code: data_status, data_period, rank, provisional, then FIGURES
    findings: list[Finding] = field(default_factory=list)

    @property
    def present(self) -> list[str]:
        return [c for c, d in self.directorates.items() if d.present]


def combined_rows(directorates: list[DirectorateData], source: str) -> pd.DataFrame:
    """The accepted rows of `source` for the given directorates, with `directorate` and `row` columns."""
    frames = [
        rows.rename_axis("row").reset_index().assign(directorate=d.code)
        for d in directorates
        if (rows := d.sources[source].rows) is not None
    ]
    if not frames:
        return pd.DataFrame(columns=["row", *COLUMNS[source], "directorate"])
    return pd.concat(frames, ignore_index=True)


def period_table(
    directorates: dict[str, DirectorateData],
    reference: Reference,
    period: Period,
    *,
    exams: pd.DataFrame,
    ledger: pd.DataFrame,
) -> pd.DataFrame:
    """Status and figures of every directorate of the reference, in reference order (no rank yet).

    `exams` (with `is_pass`) and `ledger` are the present directorates' combined rows.
    """
    codes = pd.Index([d.code for d in directorates.values() if d.present], name="code")
    figures = directorate_figures(exams, ledger, reference.targets.reindex(codes), period)
    table = pd.DataFrame(index=pd.Index(reference.codes, name="code"))
    table["data_status"] = [directorates[c].data_status for c in table.index]
    table["data_period"] = [
        str(directorates[c].data_period) if directorates[c].data_period else None for c in table.index
    ]
    table = table.join(figures[list(FIGURES)])
    table["beneficiaries_target"] = reference.targets.reindex(table.index)
    return table


def assemble_period(
    directorates: dict[str, DirectorateData],
    reference: Reference,
    period: Period,
    *,
    history: dict[Period, pd.DataFrame] | None = None,
    docs_dir: Path | None = None,
    validate: Validator = validate_facts,
) -> PeriodResult:
    """Figures, quality findings and ranking of a period from its directorates' data.

    With `history` (earlier periods' tables) the trend checks run too; with `docs_dir` the
    quality report is written there as Data Docs. Provisional directorates are not ranked.
    """
    present = [d for d in directorates.values() if d.present]
    exams = with_pass_flag(combined_rows(present, EXAM_RESULTS), reference.passing_scores)  # for figures and checks
    ledger = combined_rows(present, VOUCHER_LEDGER)
    table = period_table(directorates, reference, period, exams=exams, ledger=ledger)
    facts, counted = quality.period_facts(present, table, exams, ledger)
    if history is not None:
        trend, w5 = quality.trend_facts(table, history, period)
        facts, counted = facts.join(trend), counted + w5
    run_time = datetime.combine(period.as_of, time(0), tzinfo=UTC)
    findings = quality.assess(
        facts,
        counted,
        table,
        suite=f"quality-{period}",
        with_trends=history is not None,
        docs_dir=docs_dir,
        run_time=run_time,
        validate=validate,
    )
    blocked = quality.provisional(findings)
    table.insert(2, "provisional", [";".join(blocked.get(c, [])) or None for c in table.index])
    ranked = table[(table["data_status"] != MISSING) & table["provisional"].isna()]
    table.insert(2, "rank", rank(ranked).reindex(table.index))
    return PeriodResult(period, directorates, table, findings)


def evaluate_period(
    reference: Reference,
    period: Period,
    folders: list[PeriodFolder],
    *,
    load: Loader = WeekFiles.read_all,
    validate: Validator = validate_facts,
) -> PeriodResult:
    """A period as its own drops give it, its directorates read by `load` and judged by
    `validate` (by default here, one after the other; the flow passes its worker processes')."""
    directorates = load(WeekFiles.of(reference, period, folders), reference.codes)
    return assemble_period(directorates, reference, period, validate=validate)
