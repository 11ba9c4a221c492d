"""`nashra run` fills the history database; `nashra history` reads it back (issue 14). A database
URL that is not one stops the run before it reads anything; a database that cannot be reached
leaves the bulletins written and the run's exit 1 saying why."""

from __future__ import annotations

import csv
import io
import socket

import pytest

from nashra.paths import RAW_DIR
from tests.command import nashra

pytestmark = pytest.mark.e2e
PERIOD = "2026-W47"


@pytest.fixture(scope="module")
def state(tmp_path_factory):
    """The sample's last two weeks backfilled (SQLite in the state folder), the last run again unchanged."""
    root = tmp_path_factory.mktemp("history")
    options = ["--raw-dir", str(RAW_DIR), "--out-dir", str(root / "reports"), "--state-dir", str(root / "state")]
    embedded = {"NASHRA_DATABASE_URL": ""}
    done = nashra("backfill", "--from", "2026-W46", "--to", PERIOD, *options, env=embedded)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    done = nashra("run", "--period", PERIOD, "--deliver", "none", *options, env=embedded)
    assert done.returncode == 0, done.stderr[-2000:]
    return root


def test_a_directorate_s_series_matches_rankings_csv(state):
    done = nashra("history", "--directorate", "FES", "--csv", "--state-dir", str(state / "state"))
    assert done.returncode == 0, done.stderr
    series = list(csv.DictReader(io.StringIO(done.stdout)))
    with (state / "reports" / PERIOD / "rankings.csv").open(encoding="utf-8-sig") as handle:
        fes = next(r for r in csv.DictReader(handle) if r["directorate_code"] == "FES")
    assert [r["period"] for r in series] == ["2026-W46", PERIOD]  # both backfilled weeks
    assert (series[1]["rank"], series[1]["data_status"]) == (fes["rank"], fes["data_status"])
    assert float(series[1]["score"]) == pytest.approx(float(fes["score"]), abs=0.005)


def test_the_week_across_directorates_has_one_version_after_an_unchanged_rerun(state):
    done = nashra("history", "--period", PERIOD, "--state-dir", str(state / "state"))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert lines[0].split()[:3] == ["code", "rank", "score"] and len(lines) == 1 + 9  # run twice, one version
    assert "%" in lines[1]


def test_without_a_database_it_says_what_to_run(tmp_path):
    done = nashra("history", "--directorate", "FES", "--state-dir", str(tmp_path))
    assert done.returncode == 2 and "run a period first" in done.stderr and "Traceback" not in done.stderr


def test_a_malformed_database_url_stops_the_run_before_it_reads(tmp_path):
    done = nashra("run", "--period", PERIOD, "--out-dir", str(tmp_path), env={"NASHRA_DATABASE_URL": "nope s3cret"})
    assert done.returncode == 2 and "NASHRA_DATABASE_URL" in done.stderr and "s3cret" not in done.stderr
    assert not any(tmp_path.iterdir())


def test_an_unreachable_database_leaves_the_bulletins_and_exit_1(tmp_path):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"postgresql://nashra:s3cret@127.0.0.1:{port}/nashra"
    options = ["--out-dir", str(tmp_path / "reports"), "--state-dir", str(tmp_path / "state")]
    done = nashra("run", "--period", PERIOD, "--deliver", "none", *options, env={"NASHRA_DATABASE_URL": url})
    assert done.returncode == 1, done.stdout[-2000:] + done.stderr[-2000:]
    assert "history database" in done.stdout + done.stderr and "s3cret" not in done.stdout + done.stderr
    assert len(list((tmp_path / "reports" / PERIOD / "bulletins").glob("*.pdf"))) == 10
