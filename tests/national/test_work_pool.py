"""The national flow on a real Prefect server with two process workers of one work pool: every
academy runs as a deployment run, the runs are shared by both workers, each academy's outputs are
those of a direct run of that academy, and the national figures are the sums of the academies'."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from devtools.national_sample import write_national_sample
from nashra.academies import load_nation
from nashra.paths import NATIONAL_DIR, PROJECT_ROOT, RunPaths
from tasks.evaluation.figures import COUNTS
from tasks.national.rollup import read_rankings
from tests.golden import digest_outputs
from tests.national.academy_run import PERIOD, run_academy

pytestmark = pytest.mark.e2e
ACADEMIES = ["GON", "LSH", "DOD"]  # the three smallest: 4, 4 and 2 directorates
PREFECT = str(Path(sys.executable).with_name("prefect"))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_healthy(url: str, server: subprocess.Popen, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the Prefect server stopped ({server.returncode})")
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError("the Prefect server did not answer")


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """A Prefect server (SQLite) and two process workers of the pool `academies`, the academy
    deployment deployed from prefect.yaml; every process stopped by its group at the end."""
    home = tmp_path_factory.mktemp("prefect")
    url = f"http://127.0.0.1:{_free_port()}/api"
    env = {**os.environ, "PREFECT_HOME": str(home), "PREFECT_API_URL": url, "NASHRA_HOME": str(PROJECT_ROOT)}
    env |= {"PREFECT_SERVER_ANALYTICS_ENABLED": "false", "NASHRA_WORKERS": "1"}
    started: list[subprocess.Popen] = []

    def start(*command: str, log: str) -> subprocess.Popen:
        with open(home / log, "wb") as out:
            process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        started.append(process)
        return process

    try:
        port = url.split(":")[-1].split("/")[0]
        server = start(PREFECT, "server", "start", "--host", "127.0.0.1", "--port", port, log="server.log")
        _wait_healthy(url, server)
        for command in (
            [PREFECT, "work-pool", "create", "academies", "--type", "process"],
            [PREFECT, "--no-prompt", "deploy", "--name", "academy", "--pool", "academies"],
        ):
            done = subprocess.run(command, env=env, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120)
            assert done.returncode == 0, done.stdout[-1500:] + done.stderr[-1500:]
        workers = {
            name: start(
                PREFECT, "worker", "start", "--pool", "academies", "--name", name, "--limit", "1", log=f"{name}.log"
            )
            for name in ("w1", "w2")
        }
        yield {"env": env, "url": url, "home": home, "workers": workers}
    finally:
        for process in started:
            with _quietly():
                os.killpg(process.pid, signal.SIGTERM)
        for process in started:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


class _quietly:
    def __enter__(self):
        return self

    def __exit__(self, kind, error, trace):
        return kind is ProcessLookupError


def _national_folder(folder: Path, academies: list[str]) -> Path:
    """A national folder listing some academies of data/national."""
    folder.mkdir()
    lines = (NATIONAL_DIR / "academies.csv").read_text(encoding="utf-8").splitlines()
    kept = [lines[0]] + [
        line.replace(",academies/", f",{NATIONAL_DIR}/academies/") for line in lines[1:] if line[:3] in academies
    ]
    (folder / "academies.csv").write_text("\n".join(kept) + "\n", encoding="utf-8")
    (folder / "recipients.csv").write_bytes((NATIONAL_DIR / "recipients.csv").read_bytes())
    return folder


def test_a_national_run_on_two_workers_equals_the_academies_run_directly(cluster, tmp_path):
    national_dir = _national_folder(tmp_path / "national", ACADEMIES)
    national = RunPaths(raw_dir=tmp_path / "raw", out_dir=tmp_path / "reports", state_dir=tmp_path / "state")
    write_national_sample(national.raw_dir, exam_rows=60, weeks=1, only=ACADEMIES)
    done = subprocess.run(
        _national_command(national_dir, national),
        env=cluster["env"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    taken = {name: _taken(cluster, name) for name in ("w1", "w2")}
    assert taken["w1"] and taken["w2"], taken  # both workers took academy runs

    nation = load_nation(national_dir)
    table = read_rankings_national(national.out_dir / "NATIONAL" / PERIOD / "rankings_national.csv")
    academies = table[table["level"] == "academy"].set_index("code")
    for code in ACADEMIES:
        paths = nation.academies[code].paths(national)
        alone = RunPaths(
            paths.raw_dir, paths.reference_dir, tmp_path / "direct" / code, tmp_path / "direct-state" / code
        )
        run_academy(alone, cluster["env"])
        assert digest_outputs(paths.period_dir(PERIOD)) == digest_outputs(alone.period_dir(PERIOD)) != {}
        own = read_rankings(paths.rankings(PERIOD))
        assert {c: int(academies.loc[code, c]) for c in COUNTS} == {c: int(own[c].sum()) for c in COUNTS}


def test_an_academy_run_whose_worker_dies_is_run_again_by_the_other(cluster, tmp_path):
    """Runs last: it kills one of the two workers, with the run it had started (a machine gone)."""
    national_dir = _national_folder(tmp_path / "national", ["DOD"])
    national = RunPaths(raw_dir=tmp_path / "raw", out_dir=tmp_path / "reports", state_dir=tmp_path / "state")
    write_national_sample(national.raw_dir, exam_rows=20_000, weeks=1, only=["DOD"])  # long enough to be killed
    before = {name: _taken(cluster, name) for name in ("w1", "w2")}
    command = _national_command(national_dir, national)
    run = subprocess.Popen(
        command, env=cluster["env"], cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    taker, flow_run = _first_taker(cluster, before)
    _wait_running(cluster["url"], flow_run)
    time.sleep(5)  # its first heartbeat reaches the server
    _kill_tree(cluster["workers"][taker].pid)
    out, err = run.communicate(timeout=900)
    assert run.returncode == 0, out[-2000:] + err[-2000:]
    other = "w2" if taker == "w1" else "w1"
    assert _taken(cluster, other) - before[other]  # run again by the worker still there
    assert _run_state(cluster["url"], flow_run) == "CRASHED"
    assert (national.out_dir / "DOD" / PERIOD / "rankings.csv").is_file()


def _national_command(national_dir: Path, national: RunPaths) -> list[str]:
    command = [sys.executable, "-m", "nashra.cli", "national", "--period", PERIOD, "--deliver", "none"]
    command += ["--national-dir", str(national_dir), "--raw-dir", str(national.raw_dir)]
    return command + ["--out-dir", str(national.out_dir), "--state-dir", str(national.state_dir)]


def _taken(cluster, worker: str) -> set[str]:
    """The flow runs a worker has taken, from its log."""
    return set(re.findall(r"submitting flow run '([0-9a-f-]+)'", (cluster["home"] / f"{worker}.log").read_text()))


def _first_taker(cluster, before: dict[str, set[str]], seconds: float = 120) -> tuple[str, str]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for name, seen in before.items():
            if new := _taken(cluster, name) - seen:
                return name, new.pop()
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
    family, found = [pid], 0
    while found < len(family):
        children = subprocess.run(["pgrep", "-P", str(family[found])], capture_output=True, text=True).stdout.split()
        family += [int(child) for child in children]
        found += 1
    for member in family:
        with _quietly():
            os.kill(member, signal.SIGKILL)


def read_rankings_national(path: Path):
    import pandas as pd

    return pd.read_csv(path, encoding="utf-8-sig", dtype={"code": str, "level": str})
