"""The period's bulletins (SPEC §6): one filled template per scope (REGION or a directorate),
laid out as PDF by `layout.html_to_pdf` and written under `<out>/<period>/bulletins/`."""

from __future__ import annotations

from pathlib import Path

from nashra.academies import NATIONAL
from nashra.reference import REGION
from tasks.bulletins.context import RunView, directorate_context, regional_context
from tasks.bulletins.render import environment
from tasks.files import write_atomic


def bulletin_path(folder: Path, scope: str, period: str) -> Path:
    """`bulletin_region_<period>.pdf`, `bulletin_national_<period>.pdf`, `bulletin_<code>_<period>.pdf`."""
    name = {REGION: "region", NATIONAL: "national"}.get(scope, scope)
    return folder / f"bulletin_{name}_{period}.pdf"


def bulletin_html(view: RunView, scope: str) -> str:
    """The filled template of the regional bulletin (scope REGION) or of one directorate."""
    env = environment()
    if scope == REGION:
        return env.get_template("regional.html.j2").render(**regional_context(view))
    return env.get_template("directorate.html.j2").render(**directorate_context(view, scope))


def write_bulletin(folder: Path, scope: str, period, pdf: bytes) -> Path:
    """One laid-out bulletin written atomically at its place; returns the path."""
    path = bulletin_path(folder, scope, str(period))
    write_atomic(path, pdf)
    return path
