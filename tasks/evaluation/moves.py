"""What moves a directorate up one rank (issue 26, item 3): the smallest single change — more
vouchers consumed, or more candidates certified — after which SPEC §4's ranking rule itself
(`ranking.rank`: score, then consumption rate, then code) ranks it higher than now; for the
first-ranked directorate, the margin it holds over the second.

A certified candidate is counted as one more exam taken and passed and one more candidate
certified (the figures a certification moves); a consumed voucher moves the vouchers consumed
alone, and no more can be consumed than were allocated."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from tasks.evaluation.figures import COUNTS, SCORE_WEIGHTS, score_points, with_rates
from tasks.evaluation.ranking import rank, ranked_before

VOUCHERS, CANDIDATES = "vouchers_consumed", "candidates_certified"


@dataclass(frozen=True)
class Move:
    """`count` more of `what` ranks the directorate higher; `count - 1` does not."""

    what: str  # VOUCHERS | CANDIDATES
    count: int


def added(counts: pd.DataFrame, code: str, what: str, n) -> pd.DataFrame:
    """`counts` with `n` more of `what` for `code`."""
    more = counts.copy()
    more.loc[code, MOVED[what]] += n
    return more


MOVED = {VOUCHERS: ["vouchers_consumed"], CANDIDATES: ["exams_taken", "exams_passed", "candidates_certified"]}


def rank_after(counts: pd.DataFrame, code: str, what: str, n: int) -> int:
    """The rank of `code` once `n` more of `what` are counted (the others as they are): what
    `smallest_move` promises, by the ranking of the whole table."""
    return int(rank(with_rates(added(counts, code, what, n)))[code])


def _ahead(counts: pd.DataFrame, code: str, what: str, ns: np.ndarray, above: str) -> np.ndarray:
    """For each n of `ns`, whether `code` with n more of `what` ranks before `above`. The others
    stay as they are and `code` only gains, so passing the one just above is moving up."""
    mine = counts.loc[[code] * len(ns)].reset_index(drop=True)
    for column in MOVED[what]:
        mine[column] = mine[column] + ns
    scored = with_rates(counts)
    return ranked_before(with_rates(mine), code, scored.loc[above], above).to_numpy()


def smallest_move(counts: pd.DataFrame, code: str, what: str) -> Move | None:
    """The fewest `what` that rank `code` higher, or None if none can (it is first, or the
    vouchers left, or rates that cannot pass 1, do not reach the directorate above): the
    doublings 1, 2, 4 … up to the cap first, then every count between the last two, each set of
    counts judged at once."""
    ranks = rank(with_rates(counts))
    now = int(ranks[code])
    if now == 1:
        return None
    above = str(ranks.index[ranks == now - 1][0])
    row = counts.loc[code]
    cap = int(row["vouchers_allocated"] - row["vouchers_consumed"]) if what == VOUCHERS else CANDIDATES_CAP
    if cap < 1:
        return None
    doublings = np.unique(np.minimum(2 ** np.arange(cap.bit_length() + 1), cap))
    enough = _ahead(counts, code, what, doublings, above)
    if not enough.any():
        return None
    first = int(np.argmax(enough))
    between = np.arange(doublings[first - 1] + 1 if first else 1, doublings[first] + 1)
    return Move(what, int(between[np.argmax(_ahead(counts, code, what, between, above))]))


def margin_held(counts: pd.DataFrame) -> float | None:
    """The first-ranked directorate's score minus the second's (points), None with fewer than two."""
    scored = with_rates(counts)
    order = rank(scored).sort_values()
    if len(order) < 2:
        return None
    return float(scored.loc[order.index[0], "score"] - scored.loc[order.index[1], "score"])


CANDIDATES_CAP = 1_000_000  # more than any directorate's target: past it, no candidate count will do


@dataclass(frozen=True)
class Standing:
    """Why a ranked directorate has its rank, and what moves it (the bulletin, `nashra explain`)."""

    rank: int
    score: float
    points: dict[str, tuple[float, float]]  # rate -> (the rate, the points it adds to the score)
    above: str | None  # the directorate ranked just above, None for the first
    gap: float | None  # points between the one above's score and this one's
    moves: tuple[Move, ...]  # the fewest vouchers consumed, the fewest candidates certified (each that can)
    margin: float | None  # the first's lead over the second


def ranked_counts(table: pd.DataFrame) -> pd.DataFrame:
    """The counts of the directorates ranked in `table` (a period's table, or rankings.csv by
    code: those with a rank, not missing nor provisional)."""
    return table[table["rank"].notna()][list(COUNTS)]


def standing(counts: pd.DataFrame, code: str) -> Standing | None:
    """`code`'s standing among the ranked directorates of `counts` (their counts, indexed by
    code); None when it is not among them."""
    if code not in counts.index:
        return None
    scored = with_rates(counts)
    ranks = rank(scored)
    now = int(ranks[code])
    points = {r: (float(scored.at[code, r]), float(score_points(r, scored[r])[code])) for r in SCORE_WEIGHTS}
    above = str(ranks.index[ranks == now - 1][0]) if now > 1 else None
    gap = float(scored.at[above, "score"] - scored.at[code, "score"]) if above else None
    moves = tuple(m for what in (VOUCHERS, CANDIDATES) if (m := smallest_move(counts, code, what)) is not None)
    margin = margin_held(counts) if now == 1 else None
    return Standing(now, float(scored.at[code, "score"]), points, above, gap, moves, margin)
