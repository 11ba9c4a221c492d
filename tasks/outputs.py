"""The files of SPEC §5, written atomically: rankings.csv, quarantine/, manifest.json.

Every file is written to a temporary name in its folder and renamed over the old one, so a
crash never leaves a half-written file where a good one was.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from nashra import __version__
from nashra.paths import PROJECT_ROOT
from nashra.reference import Reference
from tasks.discover import not_regular
from tasks.figures import FIGURES, RATES
from tasks.ingest import DirectorateData
from tasks.ranking import rank_change

RANKING_COLUMNS = (
    "period",
    "rank",
    "rank_change",
    "directorate_code",
    "name_fr",
    "name_ar",
    "data_status",
    "data_period",
    *FIGURES,
)


def write_atomic(path: Path, data: bytes) -> str:
    """Write `data` to `path` through a temporary file and a rename; returns its sha256."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)  # mkstemp creates 0600; outputs are meant to be shared
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return hashlib.sha256(data).hexdigest()


def ranking_frame(table: pd.DataFrame, previous: pd.DataFrame, reference: Reference, period: str) -> pd.DataFrame:
    """rankings.csv's rows: ranked directorates first (by rank), then the missing ones."""
    frame = table.copy()
    frame["rank_change"] = rank_change(table["rank"], previous["rank"])
    frame["period"] = period
    frame["directorate_code"] = frame.index
    frame["name_fr"] = reference.directorates["name_fr"]
    frame["name_ar"] = reference.directorates["name_ar"]
    frame["provisional"] = table["provisional"]
    frame["_order"] = frame["rank"].astype("Float64").fillna(len(frame) + 1)
    frame = frame.sort_values(["_order", "directorate_code"], kind="mergesort")
    # `provisional` travels to the bulletins; rankings.csv keeps the spec's columns.
    return frame[[*RANKING_COLUMNS, "provisional"]].reset_index(drop=True)


FORMULA_START = r"^[=+\-@\t\r]"
PLAIN_NUMBER = r"[+-]?\d+(?:[.,]\d+)?"


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


def rankings_csv(frame: pd.DataFrame) -> bytes:
    """Rates as fractions with 6 decimals, score with 2, counts as integers, unknowns empty."""
    frame = frame[list(RANKING_COLUMNS)]
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
                csv = people_csv(data.table.quarantine)
                written[folder / f"{stem}.csv"] = write_atomic(folder / f"{stem}.csv", csv)
            for drop, reason in data.rejected:
                name = f"{stem}_{drop.period}_rejected"
                copy = folder / f"{name}{drop.path.suffix.lower()}"
                with suppress(OSError):  # a file gone since the scan is not copied; the note says so
                    if not drop.refusal and not not_regular(drop.path):  # never read through a link
                        written[copy] = write_atomic(copy, drop.path.read_bytes())
                note = f"{drop.path}\n{reason}\n".encode()
                written[folder / f"{name}.txt"] = write_atomic(folder / f"{name}.txt", note)
    for stale in folder.iterdir():
        if stale.is_file() and stale not in written:
            stale.unlink()
    return written


def code_version() -> str:
    """The package version, and the git commit when run from a checkout."""
    try:
        commit = subprocess.run(
            ["git", "-C", str(PROJECT_ROOT), "rev-parse", "--short=12", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return __version__
    return f"{__version__}+{commit}" if commit else __version__


def inputs_fingerprint(inputs: list[dict]) -> str:
    """A short hash of what was read, printed on the bulletins so readers can tell editions apart."""
    canonical = json.dumps([(i["path"], i["sha256"], i["status"]) for i in inputs], sort_keys=True)
    return hashlib.sha256(canonical.encode()).hexdigest()[:12]


def manifest_json(manifest: dict) -> bytes:
    return (json.dumps(manifest, ensure_ascii=False, indent=2, default=str) + "\n").encode("utf-8")


def now_utc() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def relative(path: Path, base: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(Path(base).resolve()))
    except ValueError:
        return str(path)


@contextmanager
def staged_folder(final: Path):
    """A folder written under a temporary name, then swapped in whole for `final` on success."""
    staging = final.with_name(f".{final.name}.{os.getpid()}.tmp")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    old = final.with_name(f".{final.name}.{os.getpid()}.old")
    if final.exists():
        final.rename(old)
    staging.rename(final)
    shutil.rmtree(old, ignore_errors=True)


def write_tables(period_dir: Path, ranking: pd.DataFrame, directorates: list[DirectorateData]) -> dict[Path, str]:
    """rankings.csv and quarantine/, atomically; returns {path: sha256}."""
    path = period_dir / "rankings.csv"
    written = {path: write_atomic(path, rankings_csv(ranking))}
    return written | write_quarantine(period_dir / "quarantine", directorates)
