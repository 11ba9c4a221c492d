"""The regional ranking of SPEC §4: rank by score, then consumption rate, then code; rank_change."""

from __future__ import annotations

import pandas as pd


def rank(figures: pd.DataFrame) -> pd.Series:
    """1..n over the directorates given (the ones not missing); higher score first, unrounded."""
    if figures.empty:
        return pd.Series(dtype="Int64", index=figures.index)
    order = (
        figures.rename_axis("code")
        .reset_index()
        .sort_values(["score", "consumption_rate", "code"], ascending=[False, False, True], kind="mergesort")
    )
    return pd.Series(range(1, len(order) + 1), index=order["code"], dtype="Int64").reindex(figures.index)


def rank_change(rank_now: pd.Series, rank_before: pd.Series) -> pd.Series:
    """Previous rank minus rank now (positive = moved up); empty where either rank is unknown."""
    before = rank_before.reindex(rank_now.index).astype("Int64")
    return (before - rank_now.astype("Int64")).astype("Int64")
