"""What moves a directorate up one rank (issue 26, item 3): the smallest single change — more
vouchers consumed, or more candidates certified — after which SPEC §4's ranking rule itself
(`ranking.rank`: score, then consumption rate, then code) ranks it higher than now; for the
first-ranked directorate, the margin it holds over the second.

A certified candidate is counted as one more exam taken and passed and one more candidate
certified (the figures a certification moves); a consumed voucher moves the vouchers consumed
alone, and no more can be consumed than were allocated."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from tasks.evaluation.figures import SCORE_WEIGHTS, score_points, with_rates
from tasks.evaluation.ranking import rank

VOUCHERS, CANDIDATES = "vouchers_consumed", "candidates_certified"


@dataclass(frozen=True)
class Move:
    """`count` more of `what` ranks the directorate higher; `count - 1` does not."""

    what: str  # VOUCHERS | CANDIDATES
    count: int


def added(counts: pd.DataFrame, code: str, what: str, n: int) -> pd.DataFrame:
    """`counts` with `n` more of `what` for `code`."""
    more = counts.copy()
    columns = ["vouchers_consumed"] if what == VOUCHERS else ["exams_taken", "exams_passed", "candidates_certified"]
    more.loc[code, columns] += n
    return more


def rank_after(counts: pd.DataFrame, code: str, what: str, n: int) -> int:
    """The rank of `code` once `n` more of `what` are counted (the others as they are)."""
    return int(rank(with_rates(added(counts, code, what, n)))[code])


def smallest_move(counts: pd.DataFrame, code: str, what: str) -> Move | None:
    """The fewest `what` that rank `code` higher, or None if none can (it is first, or the
    vouchers left, or rates that cannot pass 1, do not reach the directorate above)."""
    now = rank_after(counts, code, what, 0)
    enough = None if now == 1 else _enough(counts, code, what, now)
    if enough is None:
        return None
    return Move(what, _first(lambda n: rank_after(counts, code, what, n) < now, enough // 2 + 1, enough))


def margin_held(counts: pd.DataFrame) -> float | None:
    """The first-ranked directorate's score minus the second's (points), None with fewer than two."""
    scored = with_rates(counts)
    order = rank(scored).sort_values()
    if len(order) < 2:
        return None
    return float(scored.loc[order.index[0], "score"] - scored.loc[order.index[1], "score"])


CANDIDATES_CAP = 1_000_000  # more than any directorate's target: past it, no candidate count will do


def _enough(counts: pd.DataFrame, code: str, what: str, now: int) -> int | None:
    """A count that ranks `code` higher, doubling from 1 (so the smallest is above its half);
    None when the cap is reached first: the vouchers allocated, or CANDIDATES_CAP."""
    row = counts.loc[code]
    cap = int(row["vouchers_allocated"] - row["vouchers_consumed"]) if what == VOUCHERS else CANDIDATES_CAP
    n = 1
    while n <= cap:
        if rank_after(counts, code, what, n) < now:
            return n
        n = cap + 1 if n == cap else min(2 * n, cap)
    return None


def _first(holds: Callable[[int], bool], low: int, high: int) -> int:
    """The smallest n in [low, high] for which `holds(n)`, `holds` monotone and true at `high`."""
    while low < high:
        middle = (low + high) // 2
        if holds(middle):
            high = middle
        else:
            low = middle + 1
    return low


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
