"""What moves a directorate up one rank (issue 26, item 3), checked by the ranking rule itself:
the stated change ranks it higher, one less does not."""

from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from tasks.evaluation.moves import CANDIDATES, VOUCHERS, margin_held, rank_after, smallest_move


@st.composite
def directorates(draw) -> pd.DataFrame:
    """2-6 directorates' counts as a week gives them (consumed <= allocated, passed <= taken)."""
    rows = {}
    for n in range(draw(st.integers(2, 6))):
        allocated = draw(st.integers(0, 400))
        taken = draw(st.integers(0, 300))
        passed = draw(st.integers(0, taken))
        rows[f"D{n}"] = {
            "vouchers_consumed": draw(st.integers(0, allocated)),
            "vouchers_allocated": allocated,
            "exams_taken": taken,
            "exams_passed": passed,
            "candidates_certified": draw(st.integers(0, passed)),
            "beneficiaries_target": draw(st.integers(1, 400)),
        }
    return pd.DataFrame.from_dict(rows, orient="index")


@settings(max_examples=150, deadline=None)
@given(counts=directorates(), pick=st.integers(0, 5), what=st.sampled_from([VOUCHERS, CANDIDATES]))
def test_the_stated_change_moves_it_up_and_one_less_does_not(counts, pick, what):
    code = counts.index[pick % len(counts)]
    now = rank_after(counts, code, what, 0)
    move = smallest_move(counts, code, what)
    if move is None:
        if now > 1 and what == VOUCHERS:  # even every voucher left consumed is not enough
            left = int(counts.loc[code, "vouchers_allocated"] - counts.loc[code, "vouchers_consumed"])
            assert rank_after(counts, code, what, left) == now
        return
    assert now > 1 and move.count >= 1
    assert rank_after(counts, code, what, move.count) < now
    assert rank_after(counts, code, what, move.count - 1) == now


def test_a_tie_on_score_is_broken_as_the_ranking_breaks_it():
    """Equal scores: consumption rate, then the code decide, so one voucher can be enough."""
    counts = pd.DataFrame.from_dict(
        {
            "AAA": dict(vouchers_consumed=50, vouchers_allocated=100, exams_taken=10, exams_passed=5,
                        candidates_certified=5, beneficiaries_target=100),
            "BBB": dict(vouchers_consumed=50, vouchers_allocated=100, exams_taken=10, exams_passed=5,
                        candidates_certified=5, beneficiaries_target=100),
        },
        orient="index",
    )  # fmt: skip
    assert rank_after(counts, "BBB", VOUCHERS, 0) == 2  # the code breaks the tie
    assert smallest_move(counts, "BBB", VOUCHERS).count == 1
    assert smallest_move(counts, "AAA", VOUCHERS) is None  # first: the margin instead
    assert margin_held(counts) == 0.0
