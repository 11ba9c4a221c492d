"""`python -m benchmarks.national_pool`: the national sample at full size (82 directorates x
20,000 exam rows, 2 weeks, as the `national` scenario of benchmarks/run.py) through the work pool:
a Prefect server (SQLite) and two process workers on loopback (devtools/cluster.py), then
`nashra national`. Prints, as markdown: the wall time end to end, each academy run's time (from
Prefect), the roll-up, the peak memory of every process together (sampled from /proc), and the
projected wall time for 1, 2, 4 and 12 workers on separate machines from those measures."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import datetime
from pathlib import Path

from benchmarks.memory import TreeMemory
from benchmarks.run import WORK
from devtools.cluster import cluster
from devtools.national_sample import write_national_sample
from nashra.academies import load_nation
from nashra.paths import NATIONAL_DIR, PROJECT_ROOT, RunPaths
from nashra.periods import Period

PERIOD, ROWS, WEEKS = "2026-W47", 20_000, 2


def makespan(durations: list[float], workers: int) -> float:
    """Longest first, each to the least loaded worker: the critical path of the academy runs."""
    loads = [0.0] * workers
    for duration in sorted(durations, reverse=True):
        loads[loads.index(min(loads))] += duration
    return max(loads)


def _seconds(url: str, run_id: str) -> float:
    with urllib.request.urlopen(f"{url}/flow_runs/{run_id}", timeout=10) as answer:
        run = json.loads(answer.read())
    start, end = (datetime.fromisoformat(run[key].replace("Z", "+00:00")) for key in ("start_time", "end_time"))
    return (end - start).total_seconds()


def main() -> int:
    root = WORK / "national-pool"
    marker = root / "params.json"
    if not marker.is_file() or json.loads(marker.read_text()) != [ROWS, WEEKS]:
        written = time.perf_counter()
        write_national_sample(root / "raw", exam_rows=ROWS, weeks=WEEKS)
        marker.write_text(json.dumps([ROWS, WEEKS]))
        print(f"sample written in {time.perf_counter() - written:.0f} s", file=sys.stderr)
    national = RunPaths(raw_dir=root / "raw", out_dir=root / "reports", state_dir=root / "state")
    for folder in (national.out_dir, national.state_dir):  # a first run: no cached earlier week, no ledger
        shutil.rmtree(folder, ignore_errors=True)
    memory = TreeMemory()
    memory.start()
    with tempfile.TemporaryDirectory(prefix="nashra-prefect-") as home, cluster(Path(home)) as running:
        command = [sys.executable, "-m", "nashra.cli", "national", "--period", PERIOD, "--deliver", "none"]
        command += ["--raw-dir", str(national.raw_dir), "--out-dir", str(national.out_dir)]
        command += ["--state-dir", str(national.state_dir)]
        started = time.perf_counter()
        done = subprocess.run(command, env=running.env, cwd=PROJECT_ROOT, capture_output=True, text=True)
        wall = time.perf_counter() - started
        runs = dict(re.findall(r"^(\w+)\s+run ([0-9a-f-]+)", done.stdout, re.MULTILINE))
        durations = {code: _seconds(running.url, run_id) for code, run_id in runs.items()}
    memory.stopped.set()
    from tasks.national.rollup import roll_up

    rolled = time.perf_counter()
    roll_up(load_nation(NATIONAL_DIR), national, Period.parse(PERIOD), completed=list(runs))
    rollup = time.perf_counter() - rolled
    _report(done.returncode, wall, durations, rollup, memory.peak_kb / 1024)
    return done.returncode


def _report(status: int, wall: float, durations: dict[str, float], rollup: float, peak_mb: float) -> None:
    measured_path = makespan(list(durations.values()), 2)
    fixed = wall - measured_path  # server calls, flow start, waiting, the roll-up inside the run
    print(f"national run: exit {status}, {len(durations)} academy runs, wall {wall:.1f} s, peak RSS {peak_mb:.0f} MB")
    print("\n| academy | run (s) |\n|---|---|")
    for code, seconds in sorted(durations.items(), key=lambda item: -item[1]):
        print(f"| {code} | {seconds:.1f} |")
    print(f"\nroll-up alone: {rollup:.2f} s; outside the academy runs' critical path: {fixed:.1f} s")
    print("\n| workers | projected wall (s) |\n|---|---|")
    for workers in (1, 2, 4, 12):
        print(f"| {workers} | {makespan(list(durations.values()), workers) + fixed:.0f} |")


if __name__ == "__main__":
    sys.exit(main())
