"""The national figures, from the academies' rankings.csv: each academy's totals as its regional
bulletin gives them, the academies ranked by the same score on those totals, and every directorate
ranked across the country by the rule of SPEC §4 (score, then consumption rate, then code).

A directorate keeps the standing its academy gave it: one missing stays missing, one held as
provisional by a quality check is not ranked here either. An academy whose run gave no result is
missing, with empty figures.
"""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pandas as pd

from nashra.academies import NATIONAL, Nation
from nashra.paths import RunPaths
from nashra.periods import Period
from tasks.evaluation.figures import COUNTS, FIGURES, with_rates
from tasks.evaluation.ranking import rank, rank_change
from tasks.files import write_atomic
from tasks.intake.ingest import MISSING, RECEIVED
from tasks.outputs.tables import rankings_csv

ACADEMY, DIRECTORATE = "academy", "directorate"
NATIONAL_COLUMNS = (  # rankings_national.csv: the academies first, then every directorate
    "period",
    "level",
    "rank",
    "rank_change",
    "academy_code",
    "code",
    "name_fr",
    "name_ar",
    "data_status",
    "data_period",
    *FIGURES,
)
_TEXT = {
    **dict.fromkeys(("directorate_code", "code", "academy_code", "level", "period", "data_status", "data_period"), str),
    "rank": "Int64",
}


def read_rankings(path: Path) -> pd.DataFrame:
    """An academy's rankings.csv as its run wrote it (codes as text, empty cells as unknown)."""
    return pd.read_csv(
        BytesIO(path.read_bytes()), encoding="utf-8-sig", dtype=_TEXT, keep_default_na=False, na_values=[""]
    )


def directorates_nationally(rankings: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Every directorate of the academies given, with its academy's code; its figures recomputed
    from its counts (exact, as its academy ranked it: the CSV's rates are rounded); ranked across
    the country among those its academy ranked."""
    rows = pd.concat([r.assign(academy_code=code) for code, r in rankings.items()])
    rows = rows.rename(columns={"directorate_code": "code"}).set_index("code")
    counted = rows[rows["data_status"] != MISSING]
    exact = with_rates(counted[list(COUNTS)].astype("int64"))[list(FIGURES)]
    rows = rows.drop(columns=list(FIGURES)).join(exact)
    national = rank(rows.loc[rows["rank"].notna(), list(FIGURES)])
    return rows.assign(level=DIRECTORATE, rank=national.reindex(rows.index))


def academies_nationally(directorates: pd.DataFrame, nation: Nation, period: str) -> pd.DataFrame:
    """Each academy's totals: counts summed over its directorates not missing, rates and score
    from the sums (as the regional total); ranked by that score. An academy with no result, or
    none of whose directorates sent anything, is missing."""
    present = directorates[directorates["data_status"] != MISSING]
    sums = present.groupby("academy_code")[list(COUNTS)].sum().astype("int64")
    frame = pd.DataFrame(
        [(a.code, a.code, a.name_fr, a.name_ar) for a in nation.academies.values()],
        columns=["code", "academy_code", "name_fr", "name_ar"],
    ).set_index("code")
    frame = frame.join(with_rates(sums)[list(FIGURES)])
    ran = frame.index.isin(present["academy_code"])
    frame["data_status"] = [RECEIVED if r else MISSING for r in ran]
    frame["data_period"] = [period if r else None for r in ran]
    return frame.assign(level=ACADEMY, rank=rank(frame.loc[ran, list(FIGURES)]).reindex(frame.index))


def national_ranking(
    rankings: dict[str, pd.DataFrame], nation: Nation, period: str, previous: pd.DataFrame | None = None
) -> pd.DataFrame:
    """rankings_national.csv's rows: the academies by rank, then every directorate by its
    national rank; unranked rows after the ranked ones, by code. `rank_change` against the
    previous week's national table (empty without one, as in a first week)."""
    directorates = directorates_nationally(rankings) if rankings else _no_directorates()
    parts = [academies_nationally(directorates, nation, period), directorates]
    frame = pd.concat([_ordered(part) for part in parts]).assign(period=period).reset_index()
    before = previous if previous is not None else pd.DataFrame(columns=["level", "code", "rank"])
    keys = ["level", "code"]
    frame["rank_change"] = rank_change(
        frame.set_index(keys)["rank"], before.set_index(keys)["rank"].astype("Int64")
    ).to_numpy()
    return frame[list(NATIONAL_COLUMNS)]


def roll_up(nation: Nation, national: RunPaths, period: Period, completed: list[str]) -> pd.DataFrame:
    """The national ranking from the rankings.csv of the academies whose run completed (an older
    file of one that failed is not used), written to `<out>/NATIONAL/<period>/rankings_national.csv`."""
    rankings = {code: read_rankings(nation.academies[code].paths(national).rankings(period)) for code in completed}
    earlier = national_table(national, period.previous())
    previous = read_rankings(earlier) if earlier.is_file() else None
    table = national_ranking(rankings, nation, str(period), previous)
    write_atomic(national_table(national, period), rankings_csv(table, NATIONAL_COLUMNS))
    return table


def national_paths(national: RunPaths) -> RunPaths:
    """The national level's own folders, beside the academies': `<out>/NATIONAL/<period>/`
    (its table, bulletin and outbox), `<state>/NATIONAL/` (its delivery ledger)."""
    return RunPaths(
        raw_dir=national.raw_dir,
        reference_dir=national.reference_dir,
        out_dir=national.out_dir / NATIONAL,
        state_dir=national.state_dir / NATIONAL,
    )


def national_table(national: RunPaths, period: Period | str) -> Path:
    """Beside the academies' folders: `<out>/NATIONAL/<period>/rankings_national.csv`."""
    return national_paths(national).period_dir(period) / "rankings_national.csv"


def _ordered(part: pd.DataFrame) -> pd.DataFrame:
    order = part["rank"].astype("Float64").fillna(len(part) + 1)
    return part.assign(_order=order).sort_values(["_order", "code"], kind="mergesort").drop(columns="_order")


def _no_directorates() -> pd.DataFrame:
    columns = ["academy_code", "name_fr", "name_ar", "data_status", "data_period", "rank", *FIGURES]
    return pd.DataFrame(columns=columns, index=pd.Index([], name="code"))
