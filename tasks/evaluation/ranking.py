"""The regional ranking of SPEC §4: rank by score, then consumption rate, then code; rank_change."""

from __future__ import annotations

import pandas as pd

from nashra.reference import Reference
from tasks.evaluation.figures import FIGURES

RANKING_COLUMNS = (  # rankings.csv (SPEC §5)
    "period",
    "rank",
    "rank_change",
    "directorate_code",
    "name_fr",
    "name_ar",
    "data_status",
    "data_period",
    *FIGURES,
)


# SPEC §4's order: score (higher first, unrounded), then consumption rate (higher), then code.
ORDER, ASCENDING = ["score", "consumption_rate", "code"], [False, False, True]


def rank(figures: pd.DataFrame) -> pd.Series:
    """1..n over the directorates given (the ones not missing); higher score first, unrounded."""
    if figures.empty:
        return pd.Series(dtype="Int64", index=figures.index)
    order = figures.rename_axis("code").reset_index().sort_values(ORDER, ascending=ASCENDING, kind="mergesort")
    return pd.Series(range(1, len(order) + 1), index=order["code"], dtype="Int64").reindex(figures.index)


def ranked_before(candidates: pd.DataFrame, code: str, other: pd.Series, other_code: str) -> pd.Series:
    """For each row of `candidates` (figures of `code` as they might be), whether the ranking
    puts it before `other` (the figures of `other_code`): the order of `rank`, key by key."""
    score, rate = candidates["score"], candidates["consumption_rate"]
    tie = score == other["score"]
    return (
        (score > other["score"])
        | (tie & (rate > other["consumption_rate"]))
        | (tie & (rate == other["consumption_rate"]) & (code < other_code))
    )


def rank_change(rank_now: pd.Series, rank_before: pd.Series) -> pd.Series:
    """Previous rank minus rank now (positive = moved up); empty where either rank is unknown."""
    before = rank_before.reindex(rank_now.index).astype("Int64")
    return (before - rank_now.astype("Int64")).astype("Int64")


def ranking_frame(table: pd.DataFrame, previous: pd.DataFrame, reference: Reference, period: str) -> pd.DataFrame:
    """rankings.csv's rows: ranked directorates first (by rank), then the missing ones."""
    frame = table.copy()
    frame["rank_change"] = rank_change(table["rank"], previous["rank"])
    frame["period"] = period
    frame["directorate_code"] = frame.index
    frame["name_fr"] = reference.directorates["name_fr"]
    frame["name_ar"] = reference.directorates["name_ar"]
    frame["provisional"] = table["provisional"]
    frame["_order"] = frame["rank"].astype("Float64").fillna(len(frame) + 1)
    frame = frame.sort_values(["_order", "directorate_code"], kind="mergesort")
    # `provisional` travels to the bulletins; rankings.csv keeps the spec's columns.
    return frame[[*RANKING_COLUMNS, "provisional"]].reset_index(drop=True)
