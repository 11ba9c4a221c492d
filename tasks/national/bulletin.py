"""The national bulletin: what the ministry reads each week, from rankings_national.csv alone —
the country's totals, the academies ranked, every directorate ranked across the country — in the
regional bulletin's design (same frame, cards, tables and definitions; SPEC §6's rules: aggregates
only, no candidate names, input text escaped).
"""

from __future__ import annotations

import hashlib
from datetime import date

import pandas as pd

from nashra.academies import Nation
from nashra.periods import Period
from schemas import labels
from tasks.bulletins import comparison
from tasks.bulletins.render import environment
from tasks.evaluation.figures import FIGURES, region_figures
from tasks.intake.ingest import MISSING
from tasks.national.rollup import ACADEMY, DIRECTORATE
from tasks.outputs.manifest import code_version
from tasks.outputs.tables import plain_records


def table_fingerprint(csv_bytes: bytes) -> str:
    """The edition printed on every page: a short hash of the national table it was drawn from."""
    return hashlib.sha256(csv_bytes).hexdigest()[:12]


def national_context(nation: Nation, table: pd.DataFrame, period: Period, *, fingerprint: str) -> dict:
    """The national bulletin's figures: totals over the academies with data (rates from the
    sums, as for a region), the academies' table, the directorates' national table."""
    academies = table[table["level"] == ACADEMY]
    directorates = table[table["level"] == DIRECTORATE]
    present = academies[academies["data_status"] != MISSING]
    names = {code: (a.name_ar, a.name_fr) for code, a in nation.academies.items()}
    start, deadline = (date.fromisoformat(nation.programme[k]) for k in ("start_date", "phase_deadline"))
    return {
        "period": str(period),
        "monday": period.monday,
        "as_of": period.as_of,
        "programme": nation.programme,
        "fingerprint": fingerprint,
        "code_version": code_version(),
        "labels": labels,
        "figure_names": FIGURES,
        "nation": region_figures(present).to_dict() if len(present) else None,
        "academies": plain_records(academies),
        "directorates": plain_records(directorates),
        "academy_names": names,
        "chart": plain_records(present.sort_values("consumption_rate", ascending=False, kind="mergesort")),
        "with_data": {
            ACADEMY: len(present),
            DIRECTORATE: int((directorates["data_status"] != MISSING).sum()),
        },
        "expected_progress": comparison.expected_progress(period.as_of, start, deadline),
        "phase_deadline": deadline,
    }


def national_html(context: dict) -> str:
    """The national bulletin's template filled (HTML, autoescaped), to lay out as PDF."""
    return environment().get_template("national.html.j2").render(**context)
