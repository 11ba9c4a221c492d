"""One directorate's data for a period (SPEC §2.4): each source from the period's own file when
usable, else carried over from the newest usable earlier file; `data_status` and `data_period`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from nashra.periods import Period
from nashra.reference import Reference
from schemas.contracts import RuleContext
from schemas.headers import SOURCES
from tasks.files import sha256_file
from tasks.intake.discover import Drop, PeriodFolder, folders_up_to
from tasks.intake.read import UnreadableFile, read_table
from tasks.intake.validate import ValidatedTable, rule_context, validate_table

RECEIVED, CARRIED, MISSING = "received", "carried", "missing"


@dataclass
class InputRecord:
    """One file looked at, as listed in the manifest's `inputs`."""

    directorate: str
    source: str
    data_period: str | None
    path: str | None
    sha256: str | None
    status: str  # accepted | carried | rejected | missing
    rows_read: int | None = None
    rows_accepted: int | None = None
    rows_quarantined: int | None = None
    rows_duplicate: int | None = None
    error: str | None = None
    rows_previous: int | None = None  # rows of the last accepted earlier file, for a period's own file


@dataclass
class SourceData:
    """The file a directorate's figures use for one source, validated as of the run's period."""

    source: str
    table: ValidatedTable | None = None
    drop: Drop | None = None
    inputs: list[InputRecord] = field(default_factory=list)
    rejected: list[tuple[Drop, str]] = field(default_factory=list)
    rows_previous: int | None = None  # rows of the last accepted file before the period's own

    @property
    def usable(self) -> bool:
        return self.table is not None

    @property
    def used_period(self) -> Period | None:
        """The period of the file in use: the run's own, an earlier one carried over, or None."""
        return self.drop.period if self.drop is not None and self.table is not None else None

    @property
    def rows_lost_share(self) -> float:
        """The share of the last accepted file's rows that the period's own file no longer has
        (0 when it has as many or more, or when there is nothing to compare)."""
        if self.table is None or not self.rows_previous:
            return 0.0
        return max(0.0, 1 - self.table.rows_read / self.rows_previous)

    @property
    def rows(self) -> pd.DataFrame | None:
        return self.table.accepted if self.table is not None else None


@dataclass
class DirectorateData:
    code: str
    period: Period
    sources: dict[str, SourceData]
    evidence: bytes | None = None  # its evidence workbook, built where the cells as written are (WeekFiles.read)
    evidence_error: str | None = None  # why it could not be built (the figures count all the same)

    @property
    def data_status(self) -> str:
        """SPEC §2.4: received (both sources from the period), carried, or missing."""
        used = [s.used_period for s in self.sources.values()]
        if None in used:
            return MISSING
        return RECEIVED if all(p == self.period for p in used) else CARRIED

    @property
    def present(self) -> bool:
        """Not missing: the directorate has figures (and a rank, unless provisional)."""
        return self.data_status != MISSING

    @property
    def data_period(self) -> Period | None:
        """The oldest period of the files in use."""
        used = [s.used_period for s in self.sources.values()]
        return None if None in used else min(p for p in used if p is not None)

    @property
    def inputs(self) -> list[InputRecord]:
        return [record for s in self.sources.values() for record in s.inputs]


def _fingerprint(drop: Drop) -> str:
    """The drop's sha256; a file gone or unreadable since its folder was scanned is UnreadableFile."""
    try:
        return sha256_file(drop.path)
    except OSError as error:
        raise UnreadableFile(
            f"le fichier n'a pas pu être ouvert ({error.strerror}) : a-t-il été déplacé ou remplacé pendant "
            "le traitement ? Relancer la période",
            "تعذر فتح الملف: هل نُقل أو استُبدل أثناء المعالجة؟ أعد تشغيل الفترة",
        ) from error


def rows_of_last_accepted(code: str, source: str, folders: list[PeriodFolder]) -> int | None:
    """Rows of the newest readable file of `source` among `folders` (earlier periods, newest
    first): a cumulative snapshot is compared with it (SPEC §8, E2)."""
    for folder in folders:
        drop = folder.drops.get((code, source))
        if drop is None or drop.refusal:
            continue
        try:
            stat = drop.path.stat()
            return _rows_read(str(drop.path.resolve()), source, stat.st_mtime_ns, stat.st_size)
        except (OSError, UnreadableFile):
            continue
    return None


@lru_cache(maxsize=1024)
def _rows_read(path: str, source: str, mtime_ns: int, size: int) -> int:
    """Rows of one version of a file, read once per process (like its sha256): the same earlier
    file is the comparison of several periods."""
    return len(read_table(Path(path), source).frame)


def load_source(code: str, source: str, folders: list[PeriodFolder], ctx: RuleContext) -> SourceData:
    """The newest usable file of `source` among `folders` (the run's period first)."""
    period = folders[0].period
    data = SourceData(source)
    for folder in folders:
        drop = folder.drops.get((code, source))
        if drop is None:
            continue
        base: dict[str, Any] = dict(
            directorate=code, source=source, data_period=str(drop.period), path=str(drop.path), sha256=None
        )
        try:
            if drop.refusal:  # not a regular file inside the raw folder: never opened
                raise UnreadableFile(*drop.refusal)
            base["sha256"] = _fingerprint(drop)
            raw = read_table(drop.path, source)
        except UnreadableFile as error:
            data.inputs.append(InputRecord(**base, status="rejected", error=str(error)))
            data.rejected.append((drop, error.both))
            continue
        table = validate_table(raw, source, ctx)
        status = "accepted" if drop.period == period else "carried"
        if status == "accepted":
            data.rows_previous = rows_of_last_accepted(code, source, [f for f in folders if f.period < period])
        data.inputs.append(
            InputRecord(
                **base,
                status=status,
                rows_read=table.rows_read,
                rows_accepted=table.rows_accepted,
                rows_quarantined=table.rows_quarantined,
                rows_duplicate=table.rows_duplicate,
                rows_previous=data.rows_previous,
            )
        )
        data.table, data.drop = table, drop
        return data
    data.inputs.append(InputRecord(code, source, None, None, None, "missing", error="aucun fichier utilisable reçu"))
    return data


def load_directorate(code: str, folders: list[PeriodFolder], ctx: RuleContext) -> DirectorateData:
    """Both sources of one directorate for the period of `folders[0]`."""
    return DirectorateData(
        code, folders[0].period, {source: load_source(code, source, folders, ctx) for source in SOURCES}
    )


@dataclass(frozen=True)
class WeekFiles:
    """A period's files as every reading of it sees them — the weekly run's workers, an earlier
    period's table, backfill's dry run, the reminders: the drop folders up to the period (a file not
    sent this week is carried from the newest one accepted) and the period's rule context."""

    period: Period
    folders: list[PeriodFolder]
    ctx: RuleContext

    @classmethod
    def of(cls, reference: Reference, period: Period, folders: list[PeriodFolder]) -> WeekFiles:
        return cls(period, folders_up_to(folders, period), rule_context(reference, period))

    def read(self, code: str, evidence: Callable[[DirectorateData], bytes] | None = None) -> DirectorateData:
        """One directorate read and checked (SPEC §2), with its evidence workbook when asked; the
        cells as written are let go here (only the evidence needs them)."""
        data = load_directorate(code, self.folders, self.ctx)
        if evidence is not None:
            try:
                data.evidence = evidence(data)
            except Exception as error:  # the evidence of the figures never costs the figures
                data.evidence_error = f"{type(error).__name__}: {error}"
        for source in data.sources.values():
            if source.table is not None:
                source.table.written = None
        return data

    def read_all(self, codes: list[str]) -> dict[str, DirectorateData]:
        """Every directorate, one after the other, in this process (the weekly run reads each in a worker)."""
        return {code: self.read(code) for code in codes}


Loader = Callable[[WeekFiles, list[str]], dict[str, DirectorateData]]


def crashed_directorate(code: str, period: Period, error: BaseException) -> DirectorateData:
    """A directorate whose reading crashed: `missing`, with the error in its inputs (the others go on)."""
    sources = {}
    for source in SOURCES:
        record = InputRecord(code, source, None, None, None, MISSING, error=f"erreur interne : {error}")
        sources[source] = SourceData(source, inputs=[record])
    return DirectorateData(code, period, sources)
