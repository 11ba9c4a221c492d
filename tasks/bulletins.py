"""Rendering the period's bulletins into `<out>/<period>/bulletins/`, one PDF per scope.

Templates are filled in this process; the PDF layout, which is the costly part, runs in the
run's pool of processes (tasks.workers), and a bulletin that fails does not stop the others.
"""

from __future__ import annotations

from contextlib import nullcontext
from pathlib import Path

from tasks.bulletin_context import RunView, directorate_context, regional_context
from tasks.deliver import REGION
from tasks.outputs import write_atomic
from tasks.render import environment, html_to_pdf
from tasks.workers import Job, default_workers, worker_pool


def bulletin_path(folder: Path, scope: str, period: str) -> Path:
    name = f"bulletin_region_{period}.pdf" if scope == REGION else f"bulletin_{scope}_{period}.pdf"
    return folder / name


def bulletin_html(view: RunView, scope: str) -> str:
    """The filled template of the regional bulletin (scope REGION) or of one directorate."""
    env = environment()
    if scope == REGION:
        return env.get_template("regional.html.j2").render(**regional_context(view))
    return env.get_template("directorate.html.j2").render(**directorate_context(view, scope))


def render_bulletins(view: RunView, scopes: list[str], folder: Path, pool=None):
    """Render every scope, laid out in `pool` (tasks.workers; a pool of its own if None).

    Returns ({scope: path}, {scope: error message}). Each template is filled here and sent at
    once, so the workers lay out while the next one is filled.
    """
    period = str(view.current.period)
    jobs, errors, written = {}, {}, {}
    with worker_pool(min(len(scopes), default_workers()) or 1) if pool is None else nullcontext(pool) as pool:
        for scope in scopes:
            try:
                jobs[scope] = Job(pool, html_to_pdf, bulletin_html(view, scope))
            except Exception as error:
                errors[scope] = f"{type(error).__name__}: {error}"
        for scope, job in jobs.items():
            path = bulletin_path(folder, scope, period)
            try:
                write_atomic(path, job.result())
                written[scope] = path
            except Exception as error:
                errors[scope] = f"{type(error).__name__}: {error}"
    return written, errors
