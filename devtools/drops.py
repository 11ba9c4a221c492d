"""Weekly drops in any number, with the sample's file shapes, vectorised with numpy: for each of
the last `weeks` ISO weeks up to 2026-W47, cumulative snapshots of `exam_rows` exam attempts (and
about as many vouchers) per directorate at the last week: CSV in UTF-8 `,`, Windows-1256 `;` with
Arabic headers, and XLSX for one directorate in nine, with dd/mm/yyyy dates and a few broken rows
-- the shapes of `data/raw`. Used by the benchmarks and the national sample."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from devtools.sample_files import HEADERS
from nashra.periods import Period
from schemas.headers import COLUMNS, EXAM_RESULTS, VOUCHER_LEDGER

LAST = Period.parse("2026-W47")
START = date(2026, 9, 1)
EXAMS = np.array(["MO-100", "MO-200", "MO-300", "MO-110", "MO-210", "MO-400", "MO-101", "MO-201"])
FR, AR = HEADERS["fr"], HEADERS["ar"]


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


def write_drops(raw_dir: Path, codes: list[str], exam_rows: int, weeks: int, seed: int = 7) -> Path:
    """`raw_dir/<period>/<CODE>/` for each directorate of `codes` and each of the last `weeks` weeks."""
    rng = np.random.default_rng(seed)
    for index, code in enumerate(codes):
        exams, ledger = _frames(code, exam_rows, rng)
        for period in LAST.recent(weeks):
            cut = (period.as_of - START).days
            snapshot = exams[exams["exam_day"] <= cut].assign(exam_date=lambda f: _dates(f["exam_day"]))
            _write(raw_dir / str(period) / code, index % 9, snapshot, _vouchers_at(ledger, cut))
    return raw_dir


def _vouchers_at(ledger: pd.DataFrame, cut: int) -> pd.DataFrame:
    consumed = (ledger["consumed_day"] >= 0) & (ledger["consumed_day"] <= cut)
    vouchers = ledger.assign(status=np.where(consumed, "consommé", "disponible"))
    vouchers["allocated_on"] = _dates(vouchers["allocated_day"])
    vouchers["expires_on"] = _dates(vouchers["expires_day"])
    vouchers["consumed_on"] = np.where(consumed, _dates(vouchers["consumed_day"].clip(lower=0)), "")
    vouchers["candidate_id"] = ""
    return vouchers


def _write(target: Path, style: int, exams: pd.DataFrame, vouchers: pd.DataFrame) -> None:
    target.mkdir(parents=True, exist_ok=True)
    for name, frame, columns in (
        ("exam_results", exams, list(COLUMNS[EXAM_RESULTS])),
        ("voucher_ledger", vouchers, list(COLUMNS[VOUCHER_LEDGER])),
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
