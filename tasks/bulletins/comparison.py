"""A directorate's standing, fairly stated (issue 4): what the bulletins add to the spec's figures.

Nothing here changes a figure or a rank; it puts them in context for the reader.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from nashra.periods import Period
from tasks.evaluation.figures import RATES, exams_taken_week, vouchers_expiring_30d

SMALL_NUMBERS = 20  # a rate resting on fewer exams than this is flagged as fragile


def expected_progress(as_of: date, start: date, deadline: date) -> float:
    """The share of the target a directorate on a straight line to the phase deadline has reached by now."""
    span = (deadline - start).days
    return min(1.0, max(0.0, (as_of - start).days / span)) if span > 0 else 1.0


def on_track(target_progress: float | None, expected: float) -> bool | None:
    return None if target_progress is None or pd.isna(target_progress) else target_progress >= expected


def regional_median(ranking: pd.DataFrame) -> dict[str, float]:
    """Median of each rate over the directorates with figures: a typical directorate, not the total."""
    present = ranking[ranking["data_status"] != "missing"]
    return {rate: float(present[rate].median()) for rate in RATES} if len(present) else {}


def expiring_by_establishment(ledger: pd.DataFrame | None, exams: pd.DataFrame | None, as_of: date) -> list[dict]:
    """Vouchers expiring within 30 days, counted by the establishment of the candidate they are assigned to."""
    if ledger is None or ledger.empty:
        return []
    soon = ledger[vouchers_expiring_30d(ledger, pd.Timestamp(as_of))]
    if soon.empty:
        return []
    where = pd.Series(dtype=object)
    if exams is not None and not exams.empty and exams["establishment"].notna().any():
        known = exams.dropna(subset=["establishment"]).sort_values("exam_date")
        where = known.groupby("candidate_id")["establishment"].last()
    place = soon["candidate_id"].map(where)
    grouped = (
        soon.assign(place=place)
        .groupby("place", dropna=False)
        .agg(vouchers=("voucher_code", "size"), first_expiry=("expires_on", "min"))
    )
    rows = [
        {"establishment": None if pd.isna(p) else p, "vouchers": int(r.vouchers), "first_expiry": r.first_expiry.date()}
        for p, r in grouped.iterrows()
    ]
    return sorted(rows, key=lambda r: (r["establishment"] is None, -r["vouchers"], str(r["establishment"])))


ESTABLISHMENTS_LISTED = 10  # the establishments with most exams; the others summed on one line
OTHERS = "\x00others"  # the line of the others, never an establishment's name


def by_establishment(exams: pd.DataFrame | None, period: Period, listed: int = ESTABLISHMENTS_LISTED) -> list[dict]:
    """Issue 26, item 4: per establishment of the exam rows (`is_pass` flagged) — exams, exams
    passed, certification rate, candidates certified, this week's exams — the `listed` with most
    exams, then the others as one line (`establishment` None; its candidates counted once). Empty
    when the file has no establishment column."""
    if exams is None or exams.empty or not exams["establishment"].notna().any():
        return []
    rows = exams.assign(place=exams["establishment"].fillna("—"), week=exams_taken_week(exams, period))
    sizes = rows.groupby("place").size().rename("exams").reset_index()
    shown = sizes.sort_values(["exams", "place"], ascending=[False, True])["place"].head(listed).tolist()
    rows["line"] = rows["place"].where(rows["place"].isin(shown), OTHERS)
    lines = rows.groupby("line").agg(exams=("place", "size"), passed=("is_pass", "sum"), week=("week", "sum"))
    certified = rows[rows["is_pass"]].groupby("line")["candidate_id"].nunique()
    lines = lines.assign(certified=certified.reindex(lines.index, fill_value=0), rate=lines["passed"] / lines["exams"])
    order = [*shown, *([OTHERS] if OTHERS in lines.index else [])]
    return [{"establishment": None if line == OTHERS else line, **lines.loc[line].to_dict()} for line in order]
