"""`python -m benchmarks.versus OTHER_CHECKOUT`: `nashra run` of this checkout against another
(an earlier commit, cloned beside), alternated on the same generated week so that both see the
same machine: "no worse than before" measured in one sitting, not against a results file
written on a faster or slower day.

Each pair runs, in each checkout, a first run (empty state: the earlier weeks computed too) and
a weekly run (earlier weeks cached), as `benchmarks.run`'s runs through the CLI do (temporary
Prefect server, outbox). Prints the wall seconds and the peak memory of the command and every
process it starts (its workers and Prefect's temporary server), sampled every 0.2 s."""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.memory import TreeMemory
from benchmarks.run import PERIOD, SCENARIOS, WORK, cli_command, scenario_root

RUNS = ("first run", "weekly run")


def _timed(command: list[str], cwd: Path) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of `command` and all its descendants together."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    memory = TreeMemory(process.pid)
    memory.start()
    _, errors = process.communicate(timeout=3600)
    elapsed = time.perf_counter() - started
    memory.stopped.set()
    memory.join()
    if process.returncode != 0:
        raise RuntimeError(f"{cwd}: exit {process.returncode}\n{errors[-3000:]}")
    return elapsed, memory.peak_kb / 1024


def _both_runs(checkout: Path, root: Path, out: Path) -> dict[str, tuple[float, float]]:
    command = cli_command(root, out)
    shutil.rmtree(out, ignore_errors=True)
    first = _timed(command, checkout)
    shutil.rmtree(out / PERIOD, ignore_errors=True)  # a fresh week; the cached earlier weeks stay
    return {"first run": first, "weekly run": _timed(command, checkout)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("other", type=Path, help="the other checkout (e.g. a clone at an earlier commit)")
    parser.add_argument("--scenario", default="national", choices=sorted(SCENARIOS))
    parser.add_argument("--pairs", type=int, default=2)
    args = parser.parse_args()
    directorates, rows, weeks, _ = SCENARIOS[args.scenario]
    root = scenario_root(args.scenario, directorates, rows, weeks)
    checkouts = {"this": Path.cwd(), "other": args.other.resolve()}
    measures: dict[str, dict[str, list[tuple[float, float]]]] = {c: {r: [] for r in RUNS} for c in checkouts}
    for pair in range(args.pairs):
        for name, checkout in checkouts.items() if pair % 2 == 0 else reversed(checkouts.items()):
            print(f"… pair {pair + 1}, {name}", file=sys.stderr)
            for run, measure in _both_runs(checkout, root, WORK / f"versus-{name}").items():
                measures[name][run].append(measure)
    print(f"| checkout | {' | '.join(f'{r}: s | {r}: MB' for r in RUNS)} |")
    print("|---" * (1 + 2 * len(RUNS)) + "|")
    for name, checkout in checkouts.items():
        cells = []
        for run in RUNS:
            seconds, megabytes = zip(*measures[name][run], strict=True)
            cells += [
                f"{statistics.median(seconds):.1f} ({min(seconds):.1f}-{max(seconds):.1f})",
                f"{statistics.median(megabytes):.0f} ({min(megabytes):.0f}-{max(megabytes):.0f})",
            ]
        print(f"| {name} ({_commit(checkout)}) | {' | '.join(cells)} |")
    return 0


def _commit(checkout: Path) -> str:
    found = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=checkout, capture_output=True, text=True)
    return found.stdout.strip() or os.fspath(checkout)


if __name__ == "__main__":
    sys.exit(main())
