"""The benchmarks' scenarios: `write_scenario(folder, directorates, exam_rows, weeks)` writes a
reference folder with that many directorates (the nine real ones first) and their weekly drops in
the sample's shapes, in any number (devtools.drops)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd

from devtools.drops import write_drops
from nashra.paths import REFERENCE_DIR


def write_reference(folder: Path, count: int) -> list[str]:
    """The project's reference files, with `count` directorates (the nine real ones first)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("exams.csv", "programme.csv"):
        shutil.copy(REFERENCE_DIR / name, folder / name)
    real = pd.read_csv(REFERENCE_DIR / "directorates.csv")
    extra = pd.DataFrame({"code": [f"D{n:02d}" for n in range(len(real) + 1, count + 1)]})
    extra["name_ar"] = [f"المديرية {c}" for c in extra["code"]]
    extra["name_fr"] = [f"Direction {c}" for c in extra["code"]]
    extra["kind"] = "province"
    directorates = pd.concat([real, extra]).head(count)
    directorates.to_csv(folder / "directorates.csv", index=False)
    codes = directorates["code"].tolist()
    pd.DataFrame({"directorate_code": codes, "beneficiaries_target": 2000}).to_csv(folder / "targets.csv", index=False)
    recipients = pd.DataFrame(
        {
            "scope": ["REGION", *codes],
            "name": ["Centre", *codes],
            "email": ["crsi@bench.example", *[f"dp.{c.lower()}@bench.example" for c in codes]],
        }
    )
    recipients.to_csv(folder / "recipients.csv", index=False)
    return codes


def write_scenario(folder: Path, directorates: int, exam_rows: int, weeks: int, seed: int = 7) -> Path:
    """Write `folder/reference` and `folder/raw`; returns the raw folder."""
    shutil.rmtree(folder, ignore_errors=True)
    codes = write_reference(folder / "reference", directorates)
    return write_drops(folder / "raw", codes, exam_rows, weeks, seed)
