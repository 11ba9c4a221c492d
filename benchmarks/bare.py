"""The honest floor: a deliberately bare script doing the same work on all cores -- pandas reads
of the drops, the figures with one groupby, and WeasyPrint laying out the run's own filled
bulletins (its HTML, CSS and fonts) in as many processes as there are cores."""

from __future__ import annotations

import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pandas as pd

READ, FIGURES = "read + row contracts (with earlier periods)", "figures + checks + ranking"


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


def _layout(html: str) -> int:
    import weasyprint

    templates = str(Path(__file__).resolve().parents[1] / "report_templates") + "/"
    css = _stylesheet(templates)
    return len(weasyprint.HTML(string=html, base_url=templates).write_pdf(stylesheets=[css]))


_css = {}


def _stylesheet(templates: str):
    import weasyprint

    if templates not in _css:  # once per process, as any script laying out several pages would
        _css[templates] = weasyprint.CSS(filename=templates + "bulletin.css")
    return _css[templates]


def bare_run(root: Path, period: str, bulletins: list[str]) -> dict[str, float]:
    """Seconds per stage of the floor; `bulletins` are the run's filled bulletins."""
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
    stages[READ] = time.perf_counter() - started

    started = time.perf_counter()
    exam["passed"] = pd.to_numeric(exam[5], errors="coerce") >= 700
    figures = exam.groupby("directorate").agg(taken=(0, "size"), passed=("passed", "sum"), candidates=(0, "nunique"))
    consumed = ledger[ledger[3].str.startswith("cons")].groupby("directorate").size()
    figures["consumed"] = consumed
    figures["score"] = figures["passed"] / figures["taken"]
    stages[FIGURES] = time.perf_counter() - started

    started = time.perf_counter()
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(len(os.sched_getaffinity(0)), mp_context=context) as pool:
        list(pool.map(_layout, bulletins))
    stages["render"] = time.perf_counter() - started
    return stages
