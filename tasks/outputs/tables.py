"""The tables of SPEC §5, written atomically: rankings.csv and quarantine/, as people open them
(SPEC §8: UTF-8 with a BOM, formulas neutralised)."""

from __future__ import annotations

from contextlib import suppress
from datetime import date, datetime, time
from pathlib import Path

import pandas as pd

from tasks.evaluation.figures import FIGURES, RATES
from tasks.evaluation.ranking import RANKING_COLUMNS
from tasks.files import write_atomic
from tasks.intake.ingest import DirectorateData
from tasks.outputs.workbook import rankings_xlsx

# The quarantine files' own columns, for the clerk who opens them: both languages, the
# contract's name (SPEC §5: `row`, `reasons`) kept in brackets for programs.
QUARANTINE_HEADERS = {"row": "السطر / ligne (row)", "reasons": "الأسباب / raisons (reasons)"}
FORMULA_START = r"^[=+\-@\t\r]"
PLAIN_NUMBER = r"[+-]?\d+(?:[.,]\d+)?"


def plain_records(frame: pd.DataFrame) -> list[dict]:
    """Rows as dicts of plain values, unknown cells as None (what templates test for and every
    database driver accepts)."""
    return frame.astype(object).where(frame.notna(), None).to_dict("records")


def neutralised(frame: pd.DataFrame) -> pd.DataFrame:
    """Cells a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR first) get a
    leading `'`, as OWASP recommends; plain numbers such as `-2` are left as they are."""
    frame = frame.copy()
    for column in frame.columns:
        text = frame[column].astype(object).where(frame[column].notna(), "").astype(str)
        risky = text.str.match(FORMULA_START) & ~text.str.fullmatch(PLAIN_NUMBER)
        if risky.any():
            frame[column] = frame[column].astype(object).where(~risky, "'" + text)
    return frame


def people_csv(frame: pd.DataFrame) -> bytes:
    """A CSV meant to be opened by a person (SPEC §8): formulas neutralised, UTF-8 with a BOM so
    that Excel reads Arabic and accents right."""
    return neutralised(frame).to_csv(index=False, lineterminator="\n").encode("utf-8-sig")


def rankings_csv(frame: pd.DataFrame, columns: tuple[str, ...] = RANKING_COLUMNS) -> bytes:
    """Rates as fractions with 6 decimals, score with 2, counts as integers, unknowns empty."""
    frame = frame[list(columns)]
    text = frame.astype(object).copy()
    for column in frame.columns:
        values = frame[column]
        if column in RATES:
            text[column] = values.map(lambda v: "" if pd.isna(v) else f"{v:.6f}")
        elif column == "score":
            text[column] = values.map(lambda v: "" if pd.isna(v) else f"{v:.2f}")
        elif column in FIGURES or column in ("rank", "rank_change"):
            text[column] = values.map(lambda v: "" if pd.isna(v) else str(int(v)))
        else:
            text[column] = values.map(lambda v: "" if v is None or pd.isna(v) else str(v))
    return people_csv(text)


def write_quarantine(folder: Path, directorates: list[DirectorateData]) -> dict[Path, str]:
    """quarantine/<CODE>_<source>.csv for files with quarantined rows, and rejected files with
    their reason; files of an earlier run that no longer apply are removed."""
    folder.mkdir(parents=True, exist_ok=True)
    written: dict[Path, str] = {}
    for directorate in directorates:
        for source, data in directorate.sources.items():
            stem = f"{directorate.code}_{source}"
            if data.table is not None and not data.table.quarantine.empty:
                csv = people_csv(data.table.quarantine.rename(columns=QUARANTINE_HEADERS))
                written[folder / f"{stem}.csv"] = write_atomic(folder / f"{stem}.csv", csv)
            for drop, reason in data.rejected:
                name = f"{stem}_{drop.period}_rejected"
                copy = folder / f"{name}{drop.path.suffix.lower()}"
                with suppress(OSError):  # a file gone since the scan is not copied; the note says so
                    if not drop.refusal:  # never read through a link
                        written[copy] = write_atomic(copy, drop.path.read_bytes())
                # named as in the raw folder (<period>/<folder>/<file>), not by the server's own path
                sent_as = Path(str(drop.period)) / drop.path.parent.name / drop.path.name
                note = f"{sent_as}\n{reason}\n".encode()
                written[folder / f"{name}.txt"] = write_atomic(folder / f"{name}.txt", note)
    return _without_stale(folder, written)


def _without_stale(folder: Path, written: dict[Path, str]) -> dict[Path, str]:
    """`written`, once the files of an earlier run of the period in `folder` that it did not
    write again are removed (a fixed file has no quarantine left; a directorate missing now has
    no evidence)."""
    for stale in folder.iterdir():
        if stale.is_file() and stale not in written:
            stale.unlink()
    return written


def write_evidence(folder: Path, directorates: list[DirectorateData]) -> dict[Path, str]:
    """explain/<CODE>.xlsx: each directorate's evidence workbook, built where it was read."""
    folder.mkdir(parents=True, exist_ok=True)
    written = {
        folder / f"{d.code}.xlsx": write_atomic(folder / f"{d.code}.xlsx", d.evidence)
        for d in directorates
        if d.evidence is not None
    }
    return _without_stale(folder, written)


def write_tables(
    period_dir: Path, ranking: pd.DataFrame, directorates: list[DirectorateData], *, as_of: date
) -> dict[Path, str]:
    """rankings.csv, rankings.xlsx (dated `as_of`), quarantine/ and explain/, atomically; returns
    {path: sha256}."""
    csv, xlsx = period_dir / "rankings.csv", period_dir / "rankings.xlsx"
    stamp = datetime.combine(as_of, time(0))
    written = {
        csv: write_atomic(csv, rankings_csv(ranking)),
        xlsx: write_atomic(xlsx, rankings_xlsx(ranking, stamp=stamp)),
    }
    quarantine = write_quarantine(period_dir / "quarantine", directorates)
    return written | quarantine | write_evidence(period_dir / "explain", directorates)
