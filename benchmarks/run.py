"""`python -m benchmarks.run`: the scenarios, the floor, Prefect's overhead and the scaling,
written as a markdown table to `benchmarks/results/`. Each measurement runs in its own process
so peak memory (RSS) is its own."""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.report import CLI_RUNS, SCALING, report

HERE = Path(__file__).resolve().parent
WORK = HERE / "work"
PERIOD = "2026-W47"
SCENARIOS = {  # name: (directorates, exam rows per directorate, weeks of history, repeats)
    "regional": (9, 3_000, 8, 3),
    "regional-large": (9, 50_000, 2, 1),
    "national": (82, 20_000, 2, 1),
}


def scenario_root(name: str, directorates: int, rows: int, weeks: int) -> Path:
    from benchmarks.generate import write_scenario

    root = WORK / name
    params = {"directorates": directorates, "rows": rows, "weeks": weeks}
    marker = root / "params.json"
    if not marker.is_file() or json.loads(marker.read_text()) != params:
        write_scenario(root, directorates, rows, weeks)
        marker.write_text(json.dumps(params))
    return root


def _rss_kb(pid: int | str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        pass
    return 0


def _children(pid: int) -> list[str]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += (task / "children").read_text().split()
        except FileNotFoundError:
            continue
    return found


class MemorySampler(threading.Thread):
    """The RSS of this process and of its worker processes, sampled together every `interval` s.

    (The kernel's peak for children counts the parent's pages they were forked with, so it
    overstates the workers; sampling /proc sees what is resident at once.)"""

    def __init__(self, interval: float = 0.1):
        super().__init__(daemon=True)
        self.interval, self.peak_total_kb, self.peak_worker_kb = interval, 0, 0
        self.stopped = threading.Event()

    def run(self) -> None:
        me = os.getpid()
        while not self.stopped.wait(self.interval):
            workers = [_rss_kb(child) for child in _children(me)]
            self.peak_worker_kb = max(self.peak_worker_kb, *workers, 0)
            self.peak_total_kb = max(self.peak_total_kb, _rss_kb(me) + sum(workers))

    def stop(self) -> dict[str, float]:
        self.stopped.set()
        self.join()
        own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return {
            "rss_mb": own / 1024,
            "worker_rss_mb": self.peak_worker_kb / 1024,
            "total_rss_mb": max(own, self.peak_total_kb) / 1024,
        }


def measure_one(name: str, directorates: int, rows: int, weeks: int, repeats: int) -> dict:
    """In this process: the weekly run `repeats` times (history warm, as in production), then the floor."""
    from benchmarks.bare import bare_run
    from benchmarks.stages import filled_bulletins, weekly_run
    from nashra.periods import Period

    root = scenario_root(name, directorates, rows, weeks)
    memory = MemorySampler()
    memory.start()
    runs = []
    for attempt in range(repeats):
        out = WORK / f"{name}-out"
        if attempt == 0:
            shutil.rmtree(out, ignore_errors=True)
        else:  # keep the state (cached earlier periods), drop the period's outputs and ledger
            shutil.rmtree(out / PERIOD, ignore_errors=True)
            (out / "state" / "deliveries.sqlite").unlink(missing_ok=True)
        started = time.perf_counter()
        stages = weekly_run(root, out, Period.parse(PERIOD), warm_history=attempt == 0)
        stages["wall incl. warm-up"] = time.perf_counter() - started
        runs.append(stages)
    bulletins = filled_bulletins(root, WORK / f"{name}-out", Period.parse(PERIOD))
    floor = bare_run(root, PERIOD, bulletins)
    floor["end to end"] = sum(floor.values())
    return {"runs": runs, "floor": floor, **memory.stop(), "rows": directorates * rows}


def prefect_overhead() -> dict:
    """An empty flow with one empty task per directorate: Prefect's own cost, server start-up apart."""
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    from prefect import flow, task

    @task
    def nothing(code: str) -> str:
        return code

    @flow
    def empty(codes: list[str]) -> list[str]:
        return [f.result() for f in nothing.map(codes)]

    started = time.perf_counter()
    empty([f"D{n}" for n in range(9)])
    first = time.perf_counter() - started
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        empty([f"D{n}" for n in range(9)])
        timings.append(time.perf_counter() - started)
    return {"first call (server start-up)": first, "flow, 9 empty tasks": statistics.median(timings)}


def through_cli(name: str) -> dict[str, float]:
    """Wall seconds of `nashra run` on a scenario's files, as the information center runs it:
    Prefect and its temporary server, one task per directorate, receipts, manifest, outbox."""
    root, out = WORK / name, WORK / f"{name}-cli"
    shutil.rmtree(out, ignore_errors=True)
    command = [sys.executable, "-m", "nashra.cli", "run", "--period", PERIOD, "--deliver", "outbox"]
    command += ["--raw-dir", str(root / "raw"), "--reference-dir", str(root / "reference")]
    command += ["--out-dir", str(out), "--state-dir", str(out / "state")]
    timings = {}
    for label in CLI_RUNS:
        started = time.perf_counter()
        result = subprocess.run(command, capture_output=True, text=True, cwd=HERE.parent, timeout=3600)
        if result.returncode != 0:
            raise RuntimeError(result.stderr[-3000:])
        timings[label] = time.perf_counter() - started
    return timings


def _child(arguments: list[str]) -> dict:
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks.run", *arguments],
        capture_output=True,
        text=True,
        cwd=HERE.parent,
        timeout=3600,
    )
    if result.returncode != 0:
        raise RuntimeError(result.stderr[-3000:])
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--one", help=argparse.SUPPRESS)
    parser.add_argument("--overhead", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--scenarios", default=",".join(SCENARIOS))
    parser.add_argument("--no-scaling", action="store_true")
    parser.add_argument("--no-cli", action="store_true", help="skip the runs through `nashra run`")
    args = parser.parse_args()
    if args.overhead:
        print(json.dumps(prefect_overhead()))
        return 0
    if args.one:
        name, rows, weeks, repeats = args.one.split(":")
        directorates = SCENARIOS.get(name, (9,))[0]
        print(json.dumps(measure_one(name, directorates, int(rows), int(weeks), int(repeats))))
        return 0
    results = {}
    for name in args.scenarios.split(","):
        directorates, rows, weeks, repeats = SCENARIOS[name]
        print(f"… {name}", file=sys.stderr)
        results[name] = _child(["--one", f"{name}:{rows}:{weeks}:{repeats}"])
    scaling = {}
    if not args.no_scaling:
        for label, rows in SCALING.items():
            print(f"… scaling {label}", file=sys.stderr)
            scaling[label] = _child(["--one", f"scale-{label}:{rows}:2:2"])
    cli = {}
    if not args.no_cli:
        for name in results:
            print(f"… {name} through the CLI", file=sys.stderr)
            cli[name] = through_cli(name)
    overhead = _child(["--overhead"])
    text = report(results, overhead, scaling=scaling, cli=cli)
    target = HERE / "results"
    target.mkdir(exist_ok=True)
    complete = args.scenarios == ",".join(SCENARIOS) and not (args.no_scaling or args.no_cli)
    suffix = "" if complete else "-partial"  # a partial run never replaces the full reference
    (target / f"{datetime.now(UTC):%Y-%m-%d}{suffix}.md").write_text(text)
    if complete:
        (target / "latest.md").write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
