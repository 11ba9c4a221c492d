"""The national roll-up over the academies' rankings: academy totals are the sums of their
directorates' counts with rates and score from the sums, academies and directorates ranked by the
rule of SPEC §4, and every standing an academy gave (missing, provisional) kept."""

from pathlib import Path

import pandas as pd
import pytest

from nashra.academies import Academy, Nation
from tasks.evaluation.figures import COUNTS, FIGURES, with_rates
from tasks.evaluation.ranking import RANKING_COLUMNS
from tasks.national.rollup import NATIONAL_COLUMNS, national_ranking, read_rankings
from tasks.outputs.tables import rankings_csv

PERIOD = "2026-W47"
NATION = Nation(
    academies={c: Academy(c, f"أكاديمية {c}", f"Académie {c}", Path(".")) for c in ("FME", "ORI", "DOD")},
    directorates=pd.DataFrame(),
    recipients=pd.DataFrame(),
)


def counts(allocated, consumed, taken, passed, certified, target) -> dict:
    base = dict.fromkeys(COUNTS, 0)
    base.update(vouchers_allocated=allocated, vouchers_consumed=consumed, exams_taken=taken, exams_passed=passed)
    base.update(candidates_examined=taken, candidates_certified=certified, beneficiaries_target=target)
    return base


def academy_rankings(rows: dict[str, tuple], folder: Path) -> pd.DataFrame:
    """An academy's rankings.csv as its run writes it, read back: {code: (rank, status, counts)}."""
    frame = []
    for code, (rank, status, figures) in rows.items():
        if status == "missing":
            figures = dict.fromkeys(COUNTS)
        frame.append(
            {
                "period": PERIOD,
                "rank": rank,
                "rank_change": None,
                "directorate_code": code,
                "name_fr": code,
                "name_ar": code,
                "data_status": status,
                "data_period": None if status == "missing" else PERIOD,
                **figures,
            }
        )
    table = pd.DataFrame(frame)
    measured = table["data_status"] != "missing"
    rates = with_rates(table.loc[measured, list(COUNTS)].astype("int64"))
    for column in FIGURES:
        table[column] = rates[column].reindex(table.index)
    path = folder / f"rankings-{len(list(folder.iterdir()))}.csv"
    path.write_bytes(rankings_csv(table[list(RANKING_COLUMNS)]))  # written and read as the runs do
    return read_rankings(path)


@pytest.fixture
def rankings(tmp_path):
    return {
        "FME": academy_rankings(
            {
                "FES": (1, "received", counts(100, 80, 60, 45, 40, 200)),
                "MEK": (2, "received", counts(100, 50, 40, 20, 15, 300)),
                "BOU": (None, "missing", None),
                "TAO": (None, "received", counts(10, 10, 10, 10, 10, 10)),  # provisional: figures, no rank
            },
            tmp_path,
        ),
        "ORI": academy_rankings(
            {
                "OUJ": (1, "received", counts(200, 190, 150, 140, 120, 150)),
                "NAD": (2, "carried", counts(50, 10, 5, 1, 1, 400)),
            },
            tmp_path,
        ),
    }


def test_an_academy_s_figures_are_the_sums_of_its_directorates_not_missing(rankings):
    table = national_ranking(rankings, NATION, PERIOD).set_index(["level", "code"])
    fme = table.loc[("academy", "FME")]
    assert fme["vouchers_allocated"] == 210 and fme["exams_passed"] == 75 and fme["beneficiaries_target"] == 510
    assert fme["consumption_rate"] == pytest.approx(140 / 210)
    assert fme["certification_rate"] == pytest.approx(75 / 110)
    assert fme["score"] == pytest.approx(100 * (0.4 * 140 / 210 + 0.3 * 75 / 110 + 0.3 * 65 / 510))


def test_academies_are_ranked_by_score_and_one_without_result_is_missing_last(rankings):
    academies = national_ranking(rankings, NATION, PERIOD).query("level == 'academy'")
    assert academies["code"].tolist() == ["ORI", "FME", "DOD"]
    assert academies["rank"].tolist()[:2] == [1, 2] and pd.isna(academies["rank"].iloc[2])
    dod = academies.iloc[2]
    assert dod["data_status"] == "missing" and pd.isna(dod["score"]) and pd.isna(dod["data_period"])


def test_directorates_are_ranked_across_the_country_keeping_their_academy_s_standing(rankings):
    rows = national_ranking(rankings, NATION, PERIOD).query("level == 'directorate'").set_index("code")
    assert rows.index.tolist() == ["OUJ", "FES", "MEK", "NAD", "BOU", "TAO"]
    assert rows["rank"].tolist()[:4] == [1, 2, 3, 4]
    assert pd.isna(rows.loc["TAO", "rank"]) and rows.loc["TAO", "exams_taken"] == 10  # provisional: not ranked
    assert rows.loc["BOU", "data_status"] == "missing" and pd.isna(rows.loc["BOU", "score"])
    assert rows.loc["NAD", "academy_code"] == "ORI" and rows.loc["NAD", "data_status"] == "carried"


def test_the_national_totals_equal_the_sums_of_the_academies(rankings):
    table = national_ranking(rankings, NATION, PERIOD)
    academies, directorates = table[table["level"] == "academy"], table[table["level"] == "directorate"]
    present = directorates[directorates["data_status"] != "missing"]
    for column in COUNTS:
        assert academies[column].sum() == present[column].sum()


def test_the_columns_are_those_of_the_contract(rankings):
    assert list(national_ranking(rankings, NATION, PERIOD).columns) == list(NATIONAL_COLUMNS)


def test_no_academy_gave_a_result():
    table = national_ranking({}, NATION, PERIOD)
    assert table["code"].tolist() == ["DOD", "FME", "ORI"]
    assert (table["data_status"] == "missing").all() and table["rank"].isna().all()


def test_an_academy_none_of_whose_directorates_sent_anything_is_missing(tmp_path):
    silent = academy_rankings({"ODD": (None, "missing", None), "AOU": (None, "missing", None)}, tmp_path)
    table = national_ranking({"DOD": silent}, NATION, PERIOD).set_index(["level", "code"])
    dod = table.loc[("academy", "DOD")]
    assert dod["data_status"] == "missing" and pd.isna(dod["rank"]) and pd.isna(dod["score"])
    assert table.loc[("directorate", "ODD"), "data_status"] == "missing"


def test_rank_change_is_against_last_week_s_national_table_read_back(rankings, tmp_path):
    """Last week ORI was second and FES third; this week ORI is first and FES second: both moved
    up one. MEK had no national rank last week, DOD none now: no change is shown for them."""
    last_week = national_ranking(rankings, NATION, "2026-W46")
    last_week.loc[last_week["code"] == "ORI", "rank"] = 2
    last_week.loc[last_week["code"] == "FME", "rank"] = 1
    last_week.loc[last_week["code"] == "FES", "rank"] = 3
    last_week.loc[last_week["code"] == "MEK", "rank"] = pd.NA
    path = tmp_path / "rankings_national.csv"
    path.write_bytes(rankings_csv(last_week, NATIONAL_COLUMNS))
    table = national_ranking(rankings, NATION, PERIOD, read_rankings(path)).set_index(["level", "code"])
    change = table["rank_change"]
    assert change[("academy", "ORI")] == 1 and change[("academy", "FME")] == -1
    assert change[("directorate", "FES")] == 1 and change[("directorate", "OUJ")] == 0
    assert pd.isna(change[("directorate", "MEK")]) and pd.isna(change[("academy", "DOD")])


def test_a_first_week_has_no_rank_change(rankings):
    assert national_ranking(rankings, NATION, PERIOD)["rank_change"].isna().all()
