"""A scalable generator of weekly drops with the sample's file shapes, vectorised with numpy.

`write_scenario(folder, directorates, exam_rows, weeks)` writes a reference folder with that many
directorates and, for each of the last `weeks` ISO weeks up to 2026-W47, cumulative snapshots of
`exam_rows` exam attempts (and about as many vouchers) per directorate at the last week: CSV in
UTF-8 `,`, Windows-1256 `;` with Arabic headers, and XLSX for one directorate in nine, with dd/mm/yyyy
dates, PPRs, a few broken rows -- the shapes of `data/raw`, in any number.
"""

from __future__ import annotations

import csv
import shutil
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from devtools.sample_files import HEADERS
from nashra.paths import REFERENCE_DIR
from nashra.periods import Period
from schemas.headers import COLUMNS, EXAM_RESULTS, VOUCHER_LEDGER

LAST = Period.parse("2026-W47")
START = date(2026, 9, 1)
EXAMS = np.array(["MO-100", "MO-200", "MO-300", "MO-110", "MO-210", "MO-400", "MO-101", "MO-201"])
FR, AR = HEADERS["fr"], HEADERS["ar"]


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


def _frames(code: str, rows: int, rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    days = (LAST.as_of - START).days
    exam_day = np.sort(rng.integers(14, days + 1, rows))
    score = np.where(rng.random(rows) < 0.7, rng.integers(700, 1001, rows), rng.integers(300, 700, rows))
    vouchers = np.array([f"V{code}{n:07d}" for n in range(rows)])
    exams = pd.DataFrame(
        {
            "candidate_id": rng.integers(1_000_000, 9_999_999, rows).astype(str),
            "candidate_name": "Nom Prénom",
            "establishment": rng.choice(["Lycée A", "Collège B", "École C"], rows),
            "exam_code": rng.choice(EXAMS, rows),
            "exam_day": exam_day,
            "score": score.astype(str),
            "passed": np.where(score >= 700, "oui", "non"),
            "voucher_code": vouchers,
        }
    )
    broken = rng.choice(rows, size=max(1, rows // 500), replace=False)
    exams.loc[broken, "score"] = "abc"  # a few rows that break a rule, as in real files
    spare = rows // 5
    ledger = pd.DataFrame(
        {
            "voucher_code": np.concatenate([vouchers, [f"W{code}{n:07d}" for n in range(spare)]]),
            "allocated_day": 0,
            "expires_day": days + 60,
            "consumed_day": np.concatenate([exam_day, np.full(spare, -1)]),
        }
    )
    return exams, ledger


def _dates(days: pd.Series) -> pd.Series:
    return (pd.Timestamp(START) + pd.to_timedelta(days, unit="D")).dt.strftime("%d/%m/%Y")


def write_scenario(folder: Path, directorates: int, exam_rows: int, weeks: int, seed: int = 7) -> Path:
    """Write `folder/reference` and `folder/raw`; returns the raw folder."""
    shutil.rmtree(folder, ignore_errors=True)
    codes = write_reference(folder / "reference", directorates)
    rng = np.random.default_rng(seed)
    for index, code in enumerate(codes):
        exams, ledger = _frames(code, exam_rows, rng)
        for period in LAST.recent(weeks):
            cut = (period.as_of - START).days
            snapshot = exams[exams["exam_day"] <= cut].assign(exam_date=lambda f: _dates(f["exam_day"]))
            vouchers = ledger.assign(
                status=np.where(
                    (ledger["consumed_day"] >= 0) & (ledger["consumed_day"] <= cut), "consommé", "disponible"
                ),
            )
            vouchers["allocated_on"] = _dates(vouchers["allocated_day"])
            vouchers["expires_on"] = _dates(vouchers["expires_day"])
            vouchers["consumed_on"] = np.where(
                vouchers["status"] == "consommé", _dates(vouchers["consumed_day"].clip(lower=0)), ""
            )
            vouchers["candidate_id"] = ""
            target = folder / "raw" / str(period) / code
            target.mkdir(parents=True, exist_ok=True)
            exam_columns, ledger_columns = list(COLUMNS[EXAM_RESULTS]), list(COLUMNS[VOUCHER_LEDGER])
            style = index % 9
            for name, frame, columns in (
                ("exam_results", snapshot, exam_columns),
                ("voucher_ledger", vouchers, ledger_columns),
            ):
                out = frame[columns]
                if style == 1:  # Excel, like Meknès
                    out.rename(columns=FR).to_excel(target / f"{name}.xlsx", index=False)
                elif style == 2:  # Arabic Windows, like El Hajeb
                    out.rename(columns=AR).to_csv(
                        target / f"{name}.csv",
                        sep=";",
                        index=False,
                        encoding="cp1256",
                        errors="replace",
                        quoting=csv.QUOTE_MINIMAL,
                    )
                else:
                    out.rename(columns=FR).to_csv(target / f"{name}.csv", index=False, encoding="utf-8")
    return folder / "raw"
