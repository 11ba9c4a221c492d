"""The floor: a deliberately bare script on the same files -- pandas reads, the figures with one
groupby, one WeasyPrint render per bulletin from the same template, in one process."""

from __future__ import annotations

import time
from pathlib import Path

import pandas as pd


def _read(path: Path) -> pd.DataFrame:
    if path.suffix == ".xlsx":
        return pd.read_excel(path, dtype=str, engine="calamine")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("cp1256")
    sep = ";" if text[:200].count(";") > text[:200].count(",") else ","
    from io import StringIO

    return pd.read_csv(StringIO(text), sep=sep, dtype=str)


def bare_run(root: Path, period: str, html: str) -> dict[str, float]:
    """Seconds per stage of the floor; `html` is one filled bulletin, rendered once per directorate."""
    import weasyprint

    stages: dict[str, float] = {}
    started = time.perf_counter()
    exams, ledgers = [], []
    for folder in sorted((root / "raw" / period).iterdir()):
        for path in folder.iterdir():
            frame = _read(path)
            frame.columns = range(frame.shape[1])
            frame["directorate"] = folder.name
            (exams if path.stem == "exam_results" else ledgers).append(frame)
    exam, ledger = pd.concat(exams), pd.concat(ledgers)
    stages["read/parse"] = time.perf_counter() - started

    started = time.perf_counter()
    exam["passed"] = pd.to_numeric(exam[5], errors="coerce") >= 700
    figures = exam.groupby("directorate").agg(taken=(0, "size"), passed=("passed", "sum"), candidates=(0, "nunique"))
    consumed = ledger[ledger[3].str.startswith("cons")].groupby("directorate").size()
    figures["consumed"] = consumed
    figures["score"] = figures["passed"] / figures["taken"]
    stages["figures"] = time.perf_counter() - started

    started = time.perf_counter()
    templates = str(Path(__file__).resolve().parents[1] / "report_templates") + "/"
    for _ in range(len(figures) + 1):
        css = weasyprint.CSS(filename=templates + "bulletin.css")  # as a bare script would: each time
        weasyprint.HTML(string=html, base_url=templates).write_pdf(stylesheets=[css])
    stages["render"] = time.perf_counter() - started
    return stages
