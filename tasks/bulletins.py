"""Rendering the period's bulletins into `<out>/<period>/bulletins/`, one PDF per scope.

Templates are filled in this process; the PDF layout, which is the costly part, runs in a
pool of processes (one per core), and a bulletin that fails does not stop the others.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from tasks.bulletin_context import RunView, directorate_context, regional_context
from tasks.deliver import REGION
from tasks.outputs import write_atomic
from tasks.render import environment, html_to_pdf


def bulletin_path(folder: Path, scope: str, period: str) -> Path:
    name = f"bulletin_region_{period}.pdf" if scope == REGION else f"bulletin_{scope}_{period}.pdf"
    return folder / name


def bulletin_html(view: RunView, scope: str) -> str:
    """The filled template of the regional bulletin (scope REGION) or of one directorate."""
    env = environment()
    if scope == REGION:
        return env.get_template("regional.html.j2").render(**regional_context(view))
    return env.get_template("directorate.html.j2").render(**directorate_context(view, scope))


def render_bulletins(view: RunView, scopes: list[str], folder: Path, workers: int | None = None):
    """Render every scope; returns ({scope: path}, {scope: error message})."""
    period = str(view.current.period)
    pages, errors = {}, {}
    for scope in scopes:
        try:
            pages[scope] = bulletin_html(view, scope)
        except Exception as error:
            errors[scope] = f"{type(error).__name__}: {error}"
    workers = workers or min(len(pages), os.cpu_count() or 1) or 1
    written = {}
    context = multiprocessing.get_context("spawn")  # the flow's threads must not be forked
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        futures = {scope: pool.submit(html_to_pdf, html) for scope, html in pages.items()}
        for scope, future in futures.items():
            path = bulletin_path(folder, scope, period)
            try:
                pdf = future.result()
            except BrokenProcessPool:  # the pool itself died (memory, a killed worker): render here instead
                pdf = None
            except Exception as error:
                errors[scope] = f"{type(error).__name__}: {error}"
                continue
            try:
                write_atomic(path, pdf if pdf is not None else html_to_pdf(pages[scope]))
                written[scope] = path
            except Exception as error:
                errors[scope] = f"{type(error).__name__}: {error}"
    return written, errors
