"""The national flow on a real Prefect server (its database a real PostgreSQL, created for the
module and dropped after) with two process workers of one work pool: every academy runs as a
deployment run, the runs are shared by both workers, each academy's outputs are those of a direct
run of that academy, the national figures are the sums of the academies', and a run whose worker
dies with it is run again by the other."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from contextlib import suppress
from pathlib import Path

import pytest

from devtools.cluster import Cluster, cluster, family
from devtools.national_sample import write_national_sample
from nashra.academies import load_nation
from nashra.paths import NATIONAL_DIR, PROJECT_ROOT, RunPaths
from tasks.evaluation.figures import COUNTS
from tasks.national.rollup import read_rankings
from tests.golden import digest_outputs
from tests.national.academy_run import PERIOD, run_academy
from tests.postgres import postgres_database, sql

pytestmark = pytest.mark.e2e
ACADEMIES = ["GON", "LSH", "DOD"]  # the three smallest: 4, 4 and 2 directorates


@pytest.fixture(scope="module")
def database():
    """A PostgreSQL database of its own for the Prefect server, dropped at the end; its URL."""
    with postgres_database("nashra_prefect") as url:
        yield url


@pytest.fixture(scope="module")
def pool(tmp_path_factory, database):
    """The server on that database, two process workers (w1, w2), the academy deployment."""
    with cluster(
        tmp_path_factory.mktemp("prefect"),
        workers=2,
        database_url=database.replace("postgresql://", "postgresql+asyncpg://"),
        heartbeat_seconds=30,  # Prefect's shortest
        lost_after_seconds=50,  # a run whose worker dies is declared lost 50 s after its last heartbeat, not 90 s
    ) as running:
        yield running


def _national_folder(folder: Path, academies: list[str]) -> Path:
    """A national folder listing some academies of data/national."""
    folder.mkdir()
    lines = (NATIONAL_DIR / "academies.csv").read_text(encoding="utf-8").splitlines()
    kept = [lines[0]] + [
        line.replace(",academies/", f",{NATIONAL_DIR}/academies/") for line in lines[1:] if line[:3] in academies
    ]
    (folder / "academies.csv").write_text("\n".join(kept) + "\n", encoding="utf-8")
    for name in ("recipients.csv", "programme.csv"):
        (folder / name).write_bytes((NATIONAL_DIR / name).read_bytes())
    return folder


def test_a_national_run_on_two_workers_equals_the_academies_run_directly(pool, database, tmp_path):
    national_dir = _national_folder(tmp_path / "national", ACADEMIES)
    national = RunPaths(raw_dir=tmp_path / "raw", out_dir=tmp_path / "reports", state_dir=tmp_path / "state")
    write_national_sample(national.raw_dir, exam_rows=60, weeks=1, only=ACADEMIES)
    done = subprocess.run(
        _national_command(national_dir, national),
        env=pool.env,
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    taken = {name: pool.taken(name) for name in ("w1", "w2")}
    assert taken["w1"] and taken["w2"], taken  # both workers took academy runs
    academy_runs = sql(
        database, "SELECT count(*) FROM flow_run WHERE state_type = 'COMPLETED' AND deployment_id IS NOT NULL"
    )
    assert int(academy_runs) >= len(ACADEMIES)  # kept by the server in PostgreSQL

    nation = load_nation(national_dir)
    table = read_rankings_national(national.out_dir / "NATIONAL" / PERIOD / "rankings_national.csv")
    academies = table[table["level"] == "academy"].set_index("code")
    for code in ACADEMIES:
        paths = nation.academies[code].paths(national)
        alone = RunPaths(
            paths.raw_dir, paths.reference_dir, tmp_path / "direct" / code, tmp_path / "direct-state" / code
        )
        run_academy(alone)
        assert digest_outputs(paths.period_dir(PERIOD)) == digest_outputs(alone.period_dir(PERIOD)) != {}
        own = read_rankings(paths.rankings(PERIOD))
        assert {c: int(academies.loc[code, c]) for c in COUNTS} == {c: int(own[c].sum()) for c in COUNTS}
    assert f"national bulletin: {national.out_dir / 'NATIONAL' / PERIOD / 'bulletins'}" in done.stdout
    assert (national.out_dir / "NATIONAL" / PERIOD / "bulletins" / f"bulletin_national_{PERIOD}.pdf").stat().st_size


def test_an_academy_where_nothing_arrived_counts_once_with_its_reason(pool, tmp_path):
    """Its run ends Failed (held, as `nashra run` exits 1) with its outputs written: not a crash to
    retry, and not missing from the roll-up for that reason; the national run says it, exit 1."""
    national_dir = _national_folder(tmp_path / "national", ["DOD", "GON"])
    national = RunPaths(raw_dir=tmp_path / "raw", out_dir=tmp_path / "reports", state_dir=tmp_path / "state")
    write_national_sample(national.raw_dir, exam_rows=60, weeks=1, only=["GON"])
    (national.raw_dir / "DOD").mkdir()  # its folder, and not one file this week
    before = {name: pool.taken(name) for name in ("w1", "w2")}
    done = subprocess.run(
        _national_command(national_dir, national), env=pool.env, cwd=PROJECT_ROOT, capture_output=True, text=True
    )
    assert done.returncode == 1, done.stdout[-2000:] + done.stderr[-2000:]
    assert sum(len(pool.taken(name) - before[name]) for name in before) == 2  # once each: no retry
    dod = next(line for line in done.stdout.splitlines() if line.startswith("DOD"))
    assert " run " in dod and "Aucun fichier reçu" in dod
    table = read_rankings_national(national.out_dir / "NATIONAL" / PERIOD / "rankings_national.csv")
    rows = table.set_index(["level", "code"])
    assert rows.loc[("academy", "DOD"), "data_status"] == "missing" and rows.loc[("academy", "GON"), "rank"] == 1


def test_an_academy_run_whose_worker_dies_is_run_again_by_the_other(pool, tmp_path):
    """Runs last: it kills one of the two workers, with the run it had started (a machine gone)."""
    national_dir = _national_folder(tmp_path / "national", ["DOD"])
    national = RunPaths(raw_dir=tmp_path / "raw", out_dir=tmp_path / "reports", state_dir=tmp_path / "state")
    write_national_sample(national.raw_dir, exam_rows=20_000, weeks=1, only=["DOD"])  # long enough to be killed
    before = {name: pool.taken(name) for name in ("w1", "w2")}
    command = _national_command(national_dir, national)
    run = subprocess.Popen(
        command, env=pool.env, cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    flow_run = _first_taken(pool, before)
    _wait_running(pool.url, flow_run)  # by then the worker that lost the race for it has let it go
    taker = next(name for name in before if flow_run in pool.taken(name))
    time.sleep(5)  # its first heartbeat reaches the server
    _kill_tree(pool.processes[taker].pid)
    out, err = run.communicate(timeout=900)
    assert run.returncode == 0, out[-2000:] + err[-2000:]
    other = "w2" if taker == "w1" else "w1"
    assert pool.taken(other) - before[other]  # run again by the worker still there
    assert _run_state(pool.url, flow_run) == "CRASHED"
    assert (national.out_dir / "DOD" / PERIOD / "rankings.csv").is_file()


def _national_command(national_dir: Path, national: RunPaths) -> list[str]:
    command = [sys.executable, "-m", "nashra.cli", "national", "--period", PERIOD, "--deliver", "none"]
    command += ["--national-dir", str(national_dir), "--raw-dir", str(national.raw_dir)]
    return command + ["--out-dir", str(national.out_dir), "--state-dir", str(national.state_dir)]


def _first_taken(pool: Cluster, before: dict[str, set[str]], seconds: float = 120) -> str:
    """The first academy run a worker took since `before` (both may have begun to submit it)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for name, seen in before.items():
            if new := pool.taken(name) - seen:
                return new.pop()
        time.sleep(0.5)
    raise TimeoutError("no worker took the academy run")


def _run_state(url: str, flow_run: str) -> str:
    with urllib.request.urlopen(f"{url}/flow_runs/{flow_run}", timeout=5) as answer:
        return json.loads(answer.read())["state_type"]


def _wait_running(url: str, flow_run: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while _run_state(url, flow_run) != "RUNNING":
        assert time.monotonic() < deadline, "the academy run never started"
        time.sleep(0.5)


def _kill_tree(pid: int) -> None:
    """SIGKILL a process and every process it started, as when its machine disappears."""
    for member in family(pid):
        with suppress(ProcessLookupError):
            os.kill(member, signal.SIGKILL)


def read_rankings_national(path: Path):
    import pandas as pd

    return pd.read_csv(path, encoding="utf-8-sig", dtype={"code": str, "level": str})
