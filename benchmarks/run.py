"""`python -m benchmarks.run`: the scenarios, the floor, Prefect's overhead and the scaling,
written as a markdown table to `benchmarks/results/`. Each measurement runs in its own process
so peak memory (RSS) is its own."""

from __future__ import annotations

import argparse
import json
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

HERE = Path(__file__).resolve().parent
WORK = HERE / "work"
PERIOD = "2026-W47"
SCENARIOS = {  # name: (directorates, exam rows per directorate, weeks of history, repeats)
    "regional": (9, 3_000, 8, 3),
    "regional-large": (9, 50_000, 2, 1),
    "national": (82, 20_000, 2, 1),
}
SCALING = {"1x": 3_000, "2x": 6_000, "4x": 12_000}
DATA_STAGES = ("read/parse", "row contracts", "figures", "cross-checks + GX", "write outputs")


def scenario_root(name: str, directorates: int, rows: int, weeks: int) -> Path:
    from benchmarks.generate import write_scenario

    root = WORK / name
    params = {"directorates": directorates, "rows": rows, "weeks": weeks}
    marker = root / "params.json"
    if not marker.is_file() or json.loads(marker.read_text()) != params:
        write_scenario(root, directorates, rows, weeks)
        marker.write_text(json.dumps(params))
    return root


def peak_rss_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def measure_one(name: str, directorates: int, rows: int, weeks: int, repeats: int) -> dict:
    """In this process: the weekly run `repeats` times (history warm, as in production), then the floor."""
    from benchmarks.bare import bare_run
    from benchmarks.stages import weekly_run
    from nashra.periods import Period

    root = scenario_root(name, directorates, rows, weeks)
    runs = []
    for attempt in range(repeats):
        out = WORK / f"{name}-out"
        if attempt == 0:
            shutil.rmtree(out, ignore_errors=True)
        else:  # keep the state (cached earlier periods), drop the period's outputs and ledger
            shutil.rmtree(out / PERIOD, ignore_errors=True)
            (out / "state" / "deliveries.sqlite").unlink(missing_ok=True)
        started = time.perf_counter()
        stages = weekly_run(root, out, Period.parse(PERIOD), warm_history=True)
        stages["end to end"] = sum(v for k, v in stages.items() if k != "bulletins")
        stages["wall incl. warm-up"] = time.perf_counter() - started
        runs.append(stages)
    html = _one_bulletin_html(root)
    floor = bare_run(root, PERIOD, html)
    floor["end to end"] = sum(floor.values())
    return {"runs": runs, "floor": floor, "rss_mb": peak_rss_mb(), "rows": directorates * rows}


def _one_bulletin_html(root: Path) -> str:
    """A filled directorate bulletin of the scenario (written by the run), for the floor to render."""
    return (WORK / f"{root.name}-out" / PERIOD / "floor.html").read_text(encoding="utf-8")


def prefect_overhead() -> dict:
    """An empty flow with one empty task per directorate: Prefect's own cost, server start-up apart."""
    import os

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


def _stat(values: list[float]) -> str:
    if len(values) == 1:
        return f"{values[0]:.2f}"
    return f"{statistics.median(values):.2f} ({min(values):.2f}–{max(values):.2f})"


def report(results: dict, overhead: dict, scaling: dict) -> str:
    versions = ", ".join(
        f"{p} {version(p)}"
        for p in ("prefect", "pandas", "pandera", "great-expectations", "weasyprint", "python-calamine")
    )
    lines = [
        f"# Nashra benchmarks — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"Machine: {platform.machine()}, {len(__import__('os').sched_getaffinity(0))} cores, "
        f"Python {platform.python_version()}, {platform.platform()}. {versions}.",
        "",
        "Seconds per stage of one weekly run (median, with min–max over the repeats), earlier periods' tables "
        "already in `data/state` as in a weekly run; Prefect's start-up apart (last table).",
        "",
    ]
    stages = [
        "read/parse",
        "row contracts",
        "figures",
        "cross-checks + GX",
        "write outputs",
        "render",
        "deliver (outbox)",
        "end to end",
    ]
    header = "| stage | " + " | ".join(f"{n} (Nashra) | {n} (floor) | ratio" for n in results) + " |"
    lines += [header, "|---" * (1 + 3 * len(results)) + "|"]
    for stage in stages:
        cells = []
        for result in results.values():
            values = [run.get(stage, 0.0) for run in result["runs"]]
            floor = result["floor"].get(stage)
            median = statistics.median(values)
            ratio = f"{median / floor:.1f}×" if floor else ""
            cells += [_stat(values), f"{floor:.2f}" if floor is not None else "", ratio]
        lines.append(f"| {stage} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "| scenario | exam rows | bulletins | render per bulletin (s) | peak RSS (MB) |",
        "|---|---|---|---|---|",
    ]
    for name, result in results.items():
        run = result["runs"][0]
        per = statistics.median(r["render"] for r in result["runs"]) / run["bulletins"]
        lines.append(f"| {name} | {result['rows']:,} | {int(run['bulletins'])} | {per:.2f} | {result['rss_mb']:.0f} |")
    lines += ["", "Prefect overhead:", "", "| measure | seconds |", "|---|---|"]
    lines += [f"| {k} | {v:.2f} |" for k, v in overhead.items()]
    if scaling:
        lines += [
            "",
            "Scaling (regional shape, data stages only: read, contracts, figures, checks, outputs):",
            "",
            "| rows per directorate | data stages (s) | ratio to 1× | peak RSS (MB) |",
            "|---|---|---|---|",
        ]
        base = None
        for label, result in scaling.items():
            data = statistics.median(sum(run.get(s, 0.0) for s in DATA_STAGES) for run in result["runs"])
            base = base or data
            lines.append(f"| {label} ({SCALING[label]:,}) | {data:.2f} | {data / base:.2f} | {result['rss_mb']:.0f} |")
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--one", help=argparse.SUPPRESS)
    parser.add_argument("--overhead", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--scenarios", default=",".join(SCENARIOS))
    parser.add_argument("--no-scaling", action="store_true")
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
    overhead = _child(["--overhead"])
    text = report(results, overhead, scaling)
    target = HERE / "results"
    target.mkdir(exist_ok=True)
    (target / f"{datetime.now(UTC):%Y-%m-%d}.md").write_text(text)
    (target / "latest.md").write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
