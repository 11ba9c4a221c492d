"""`python -m benchmarks.run`: the scenarios, the floor, Prefect's overhead and the scaling,
written as a markdown table to `benchmarks/results/`. Each measurement runs in its own process
so peak memory (RSS) is its own."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.memory import MemorySampler
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


def measure_one(name: str, directorates: int, rows: int, weeks: int, repeats: int) -> dict:
    """In this process: a first run (empty state), the weekly run `repeats` times (history warm,
    as in production), then the floor; the peak memory of each apart."""
    from benchmarks.bare import bare_run
    from benchmarks.stages import filled_bulletins, first_run, weekly_run
    from nashra.periods import Period

    root = scenario_root(name, directorates, rows, weeks)
    out = WORK / f"{name}-out"
    shutil.rmtree(out, ignore_errors=True)
    memory = MemorySampler("first run")
    memory.start()
    first_run(root, out, Period.parse(PERIOD))
    memory.phase("weekly run")
    runs = []
    for attempt in range(repeats):
        if attempt:  # keep the state (cached earlier periods), drop the period's outputs and ledger
            shutil.rmtree(out / PERIOD, ignore_errors=True)
            (out / "state" / "deliveries.sqlite").unlink(missing_ok=True)
        runs.append(weekly_run(root, out, Period.parse(PERIOD)))
    memory.phase("floor")
    bulletins = filled_bulletins(root, out, Period.parse(PERIOD))
    floor = bare_run(root, PERIOD, bulletins)
    floor["end to end"] = sum(floor.values())
    return {"runs": runs, "floor": floor, "memory": memory.stop(), "rows": directorates * rows}


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


def cli_command(root: Path, out: Path) -> list[str]:
    """`nashra run` on a scenario's files, delivered to the outbox, as the information center runs it."""
    command = [sys.executable, "-m", "nashra.cli", "run", "--period", PERIOD, "--deliver", "outbox"]
    command += ["--raw-dir", str(root / "raw"), "--reference-dir", str(root / "reference")]
    return command + ["--out-dir", str(out), "--state-dir", str(out / "state")]


def through_cli(name: str) -> dict[str, float]:
    """Wall seconds of `nashra run` on a scenario's files, as the information center runs it:
    Prefect and its temporary server, one task per directorate, receipts, manifest, outbox."""
    root, out = WORK / name, WORK / f"{name}-cli"
    shutil.rmtree(out, ignore_errors=True)
    command = cli_command(root, out)
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
