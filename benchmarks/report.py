"""The markdown page of `python -m benchmarks.run`: stages against the floor, memory, the CLI,
Prefect's overhead and the scaling."""

from __future__ import annotations

import os
import platform
import statistics
from datetime import UTC, datetime
from importlib.metadata import version

from benchmarks.stages import DATA_STAGES, WALL

CLI_RUNS = ("first run: earlier weeks computed too", "weekly run: earlier weeks cached")
SCALING = {"1x": 3_000, "2x": 6_000, "4x": 12_000}
FLOW_PHASES = ("first run", "weekly run")  # the phases of benchmarks/memory.MemorySampler that are the flow


def cores() -> int:
    return len(os.sched_getaffinity(0))


def _stat(values: list[float]) -> str:
    if len(values) == 1:
        return f"{values[0]:.2f}"
    return f"{statistics.median(values):.2f} ({min(values):.2f}–{max(values):.2f})"


def report(results: dict, overhead: dict, *, scaling: dict, cli: dict) -> str:
    """The markdown page of one full (or partial) benchmark run."""
    versions = ", ".join(
        f"{p} {version(p)}"
        for p in ("prefect", "pandas", "pandera", "great-expectations", "weasyprint", "python-calamine")
    )
    lines = [
        f"# Nashra benchmarks — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"Machine: {platform.machine()}, {cores()} cores, "
        f"Python {platform.python_version()}, {platform.platform()}. {versions}.",
        "",
        "Seconds per stage of one weekly run of the flow itself (median, with min–max over the repeats), "
        "its stage windows read from Prefect's task runs; earlier periods' tables already in `data/state` as "
        "in a weekly run; Prefect's server already running (its start-up: last table). The floor does the "
        "same work bare, on all cores.",
        "",
    ]
    lines += _stages(results) + _memory(results)
    if cli:
        lines += _cli(cli)
    lines += ["", "Prefect overhead:", "", "| measure | seconds |", "|---|---|"]
    lines += [f"| {k} | {v:.2f} |" for k, v in overhead.items()]
    if scaling:
        lines += _scaling(scaling)
    return "\n".join(lines) + "\n"


def _stages(results: dict) -> list[str]:
    label = {"render": f"render (wall, {cores()} processes)"}
    header = "| stage | " + " | ".join(f"{n} (Nashra) | {n} (floor) | ratio" for n in results) + " |"
    lines = [header, "|---" * (1 + 3 * len(results)) + "|"]
    for stage in [*WALL, "end to end"]:
        cells = []
        for result in results.values():
            values = [run.get(stage, 0.0) for run in result["runs"]]
            floor = result["floor"].get(stage)
            median = statistics.median(values)
            ratio = f"{median / floor:.1f}×" if floor else ""
            cells += [_stat(values), f"{floor:.2f}" if floor is not None else "", ratio]
        lines.append(f"| {label.get(stage, stage)} | " + " | ".join(cells) + " |")
    return lines


def _section(intro: str, columns: list[str]) -> list[str]:
    """A paragraph, then the head of its table."""
    return ["", intro, "", "| " + " | ".join(columns) + " |", "|---" * len(columns) + "|"]


def _memory(results: dict) -> list[str]:
    lines = _section(
        "Peak memory (RSS, MB) of the flow: the run's own process, the largest of the processes it started"
        " (workers, their forkserver, Prefect's temporary server), and all of them together (sampled every 0.1 s;"
        " the run's own peak from the kernel), for the first run (empty state: the earlier weeks computed too) and"
        " the weekly run (earlier weeks cached); the floor's apart (it evaluates the week in the process to fill"
        " the bulletins it lays out).",
        ["scenario", "exam rows", "bulletins", "render per bulletin (s, wall)"]
        + [f"{phase}: {what}" for phase in FLOW_PHASES for what in ("run", "largest other process", "together")]
        + ["floor: together"],
    )
    for name, result in results.items():
        run, memory = result["runs"][0], result["memory"]
        per = statistics.median(r["render"] for r in result["runs"]) / run["bulletins"]
        peaks = [memory[phase][key] for phase in FLOW_PHASES for key in ("rss_mb", "worker_rss_mb", "total_rss_mb")]
        cells = [f"{result['rows']:,}", str(int(run["bulletins"])), f"{per:.2f}", *(f"{mb:.0f}" for mb in peaks)]
        lines.append(f"| {name} | " + " | ".join(cells) + f" | {memory['floor']['total_rss_mb']:.0f} |")
    return lines


def _cli(cli: dict) -> list[str]:
    lines = _section(
        "Through the CLI (`nashra run`, wall seconds): the stages above plus Prefect — its temporary server's"
        " start-up, one task per directorate — and the receipts, register and manifest.",
        ["scenario", *CLI_RUNS],
    )
    for name, seconds in cli.items():
        lines.append(f"| {name} | " + " | ".join(f"{seconds[label]:.1f}" for label in CLI_RUNS) + " |")
    return lines


def _scaling(scaling: dict) -> list[str]:
    lines = _section(
        "Scaling (regional shape, data stages only: read, contracts, figures, checks, outputs):",
        ["rows per directorate", "data stages (s)", "ratio to 1×", "peak RSS, run and workers together (MB)"],
    )
    base = None
    for label, result in scaling.items():
        data = statistics.median(sum(run.get(s, 0.0) for s in DATA_STAGES) for run in result["runs"])
        base = base or data
        memory = result["memory"]["weekly run"]["total_rss_mb"]
        lines.append(f"| {label} ({SCALING[label]:,}) | {data:.2f} | {data / base:.2f} | {memory:.0f} |")
    return lines
