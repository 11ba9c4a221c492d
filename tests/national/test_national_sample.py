"""The national sample with today's weekly run, unchanged: an academy of `data/national` runs on
its own reference folder and its generated drops, and the roll-up over real rankings.csv files
gives national totals equal to the sums of the academies'."""

import pytest

from devtools.national_sample import write_national_sample
from nashra.academies import load_nation
from nashra.paths import NATIONAL_DIR, RunPaths
from tasks.evaluation.figures import COUNTS
from tasks.national.rollup import national_table, read_rankings, roll_up
from tests.national.academy_run import PERIOD, run_academy

pytestmark = pytest.mark.e2e


def test_two_academies_run_unchanged_and_the_roll_up_adds_them_up(tmp_path):
    nation = load_nation(NATIONAL_DIR)
    national = RunPaths(raw_dir=tmp_path / "raw", out_dir=tmp_path / "reports", state_dir=tmp_path / "state")
    assert write_national_sample(national.raw_dir, exam_rows=60, weeks=1, only=["DOD", "GON"]) == ["GON", "DOD"]
    rankings = {}
    for code in ("GON", "DOD"):
        paths = nation.academies[code].paths(national)
        run_academy(paths)
        rankings[code] = read_rankings(paths.rankings(PERIOD))
    assert sorted(rankings["DOD"]["directorate_code"]) == ["AOU", "ODD"]
    table = roll_up(nation, national, PERIOD, completed=["GON", "DOD"])
    written = national_table(national, PERIOD).read_text(encoding="utf-8-sig").splitlines()
    assert len(written) == 1 + 12 + 6 and written[1].startswith(f"{PERIOD},academy,1,")
    academies = table[table["level"] == "academy"].set_index("code")
    directorates = table[table["level"] == "directorate"]
    assert set(directorates["code"]) == {"GLM", "ASZ", "TNT", "SIF", "AOU", "ODD"}
    assert directorates["rank"].tolist() == [1, 2, 3, 4, 5, 6]
    for code in ("GON", "DOD"):
        own = rankings[code]
        assert {c: academies.loc[code, c] for c in COUNTS} == {c: own[c].sum() for c in COUNTS}
    assert academies["rank"].notna().sum() == 2 and (academies["data_status"] == "missing").sum() == 10
