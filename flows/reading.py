"""The reading of a run, in the workers: one task per directorate of the period and of each
earlier period not in the cache that has files (rank_change, W5, trends); a week before any file
is evaluated in the run's process. A directorate whose reading fails or kills its worker is
`missing` with the reason, and the others go on; an earlier period that cannot be read fails the
run, as its own run did. `read_week` is the weekly flow's reading stage, between `stages.scan` and
`stages.evaluate`: what starts early, and in which process, is decided here.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any

import pandas as pd
from prefect import get_run_logger, task
from prefect.futures import PrefectFuture
from prefect.utilities.annotations import quote

from flows.memory import return_large_blocks
from flows.runner import gather, load_checks_meanwhile
from flows.stages import quiet
from nashra import progress
from nashra.periods import Period
from nashra.reference import Reference
from nashra.request import RunRequest
from tasks.evaluation.history import earlier_periods, earlier_table, is_cached
from tasks.intake.discover import PeriodFolder, folders_up_to
from tasks.intake.ingest import DirectorateData, WeekFiles, crashed_directorate
from tasks.outputs.evidence import EvidenceBasis, evidence_workbook


@task(name="ingest-directorate", task_run_name="ingest-{code}-{week.period}", **quiet)
def ingest_directorate(code: str, week: WeekFiles, evidence: EvidenceBasis | None = None) -> DirectorateData:
    """SPEC §2: one directorate's drops for the week read and checked, in a worker; for the run's
    own period, with its evidence workbook (issue 26), built here where the cells as written are."""
    return week.read(code, partial(evidence_workbook, basis=evidence) if evidence is not None else None)


@dataclass(frozen=True)
class Reads:
    """A period's directorates being read in the workers, one task each."""

    week: WeekFiles
    futures: dict[str, PrefectFuture]
    evidence: EvidenceBasis | None = None  # the run's own period: each directorate's evidence workbook too

    @property
    def period(self) -> Period:
        return self.week.period

    @classmethod
    def start(
        cls, period: Period, reference: Reference, folders: list[PeriodFolder], *, evidence: bool = False
    ) -> Reads:
        basis = EvidenceBasis.of(reference, period) if evidence else None
        reads = cls(WeekFiles.of(reference, period, folders), {}, basis)
        reads.futures.update({code: reads.again(code) for code in reference.codes})
        return reads

    def again(self, code: str) -> PrefectFuture:
        return ingest_directorate.submit(code, self.week, self.evidence)

    def outcomes(self) -> dict[str, Any]:
        """Each directorate's data, or the exception its reading raised."""
        return gather(self.futures, self.again)


@dataclass(frozen=True)
class Week:
    """What the reading gives the evaluation: the period's directorates (one whose reading failed
    is `missing`, its reason in `errors`) and every earlier period's table."""

    directorates: dict[str, DirectorateData]
    earlier: dict[Period, pd.DataFrame]
    errors: list[str]


def read_week(request: RunRequest, reference: Reference, folders: list[PeriodFolder]) -> Week:
    """SPEC §2: every directorate of the period, and of each earlier period not in the cache,
    read and checked in the workers, all submitted at once; the earlier periods evaluated here
    as they are read, with Great Expectations imported meanwhile."""
    return_large_blocks()
    reads, earlier_reads = start_reads(request, reference, folders)
    load_checks_meanwhile()
    read_earlier = evaluate_read_earlier(request, reference, folders, earlier_reads)
    directorates, errors = ingested(reads)
    return Week(directorates, evaluate_earlier(request, reference, folders, read_earlier), errors)


def _has_files(period: Period, folders: list[PeriodFolder]) -> bool:
    return any(folder.drops for folder in folders_up_to(folders, period))


def start_reads(
    request: RunRequest, reference: Reference, folders: list[PeriodFolder]
) -> tuple[Reads, dict[Period, Reads]]:
    """The directorates of every earlier period that is not in the cache and has files to read
    (rank_change, W5, trends), oldest first, then the period's own, all submitted to the workers
    at once, one task per directorate: each earlier period is evaluated, and its rows let go,
    while the workers read the next ones. A week before any file is evaluated in this process
    (every directorate missing: nothing to read)."""
    earlier = earlier_periods(request.period, reference.start_date)
    missing = [q for q in earlier if not is_cached(q, folders, request.paths) and _has_files(q, folders)]
    progress.report("ingest", f"{len(reference.codes)} directorates, {len(missing)} earlier periods")
    earlier_reads = {q: Reads.start(q, reference, folders) for q in missing}
    return Reads.start(request.period, reference, folders, evidence=True), earlier_reads


def ingested(reads: Reads) -> tuple[dict[str, DirectorateData], list[str]]:
    """The directorates read; one whose reading failed is `missing` with the reason, the others go on."""
    directorates, errors = {}, []
    for code, outcome in reads.outcomes().items():
        if isinstance(outcome, BaseException):  # one directorate's failure never stops the others
            get_run_logger().error("Directorate %s could not be read: %s", code, outcome)
            errors.append(f"{code}: {outcome}")
            outcome = crashed_directorate(code, reads.period, outcome)
        elif outcome.evidence_error:
            errors.append(f"{code}: evidence workbook: {outcome.evidence_error}")
        directorates[code] = outcome
    return directorates, errors


def evaluate_read_earlier(
    request: RunRequest, reference: Reference, folders: list[PeriodFolder], reads: dict[Period, Reads]
) -> dict[Period, pd.DataFrame]:
    """The tables of the earlier periods read in the workers (a first run, a changed rule or
    file), each evaluated as soon as its directorates are read, one after the other, while the
    workers read the next; its reads are taken out of `reads` to let its rows go (a first run
    holds about one earlier period at a time, not every one)."""
    tables = {}
    for period in list(reads):
        handed = quote(reads.pop(period))  # as it is: Prefect would wait for and copy its results
        tables[period] = evaluate_read_period(request, reference, folders, period, handed)  # type: ignore[call-overload]
    return tables


def evaluate_earlier(
    request: RunRequest, reference: Reference, folders: list[PeriodFolder], read: dict[Period, pd.DataFrame]
) -> dict[Period, pd.DataFrame]:
    """Every earlier period's table: those `read` in the workers, the others from the cache (or,
    before any file, with every directorate missing), after the run's own directorates are read
    (read meanwhile, the cached tables slowed Great Expectations' import on its thread)."""
    progress.report("history", str(request.period.previous()))
    periods = earlier_periods(request.period, reference.start_date)
    tables = read | earlier_without_reads(request, reference, folders, [q for q in periods if q not in read])
    return {period: tables[period] for period in periods}


def _all_read(reads: Reads) -> dict[str, DirectorateData]:
    """An earlier period's directorates; one that cannot be read fails the run, as its own run did."""
    outcomes = reads.outcomes()
    for outcome in outcomes.values():
        if isinstance(outcome, BaseException):
            raise outcome
    return outcomes


@task(name="evaluate-earlier-periods", task_run_name="evaluate-earlier-periods", **quiet)
def earlier_without_reads(
    request: RunRequest, reference: Reference, folders: list[PeriodFolder], periods: list[Period]
) -> dict[Period, pd.DataFrame]:
    """The tables of the earlier periods that nothing had to be read for: cached, or before any file."""
    return {period: earlier_table(period, reference, folders, request.paths) for period in periods}


@task(name="evaluate-earlier-period", task_run_name="evaluate-{period}", **quiet)
def evaluate_read_period(
    request: RunRequest, reference: Reference, folders: list[PeriodFolder], period: Period, reads: Reads
) -> pd.DataFrame:
    """An earlier period's table from its directorates read in the workers (then cached). The
    reads are handed over as they are (`quote`) and emptied here: Prefect keeps the last task's
    arguments after it returns (until its next task), which would hold the period's rows while
    the run's own are collected."""
    directorates = _all_read(reads)
    reads.futures.clear()

    def read(week: WeekFiles, codes: list[str]) -> dict[str, DirectorateData]:
        return directorates

    return earlier_table(period, reference, folders, request.paths, load=read)
