"""One weekly run timed stage by stage: the flow itself (`flows/weekly.py`, the only wiring),
its stage windows read back from Prefect's task runs, and the run's filled bulletins for the
floor to lay out."""

from __future__ import annotations

import asyncio
import shutil
import time
from pathlib import Path

from nashra.paths import RunPaths
from nashra.periods import Period

# Stage windows, in the flow's order; the first two groups run at the same time, so they are one.
GROUPS = {
    "read + row contracts (with earlier periods)": ("ingest-", "evaluate-", "scan-drops"),
    "figures + checks + ranking": ("figures-checks-ranking",),
    "write outputs": ("write-rankings-and-quarantine", "record-submissions"),
    "render": ("fill-bulletins", "lay-out-"),
    "deliver (outbox)": ("deliver-",),
    "manifest": ("write-manifest",),
}
WALL = (*GROUPS, "Prefect and wiring")
DATA_STAGES = ("read + row contracts (with earlier periods)", "figures + checks + ranking", "write outputs")


def _windows(flow_run_id) -> dict[str, tuple[float, float]]:
    """The first start and the last end (epoch seconds) of each group's task runs."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    async def read():
        async with get_client() as client:
            return await client.read_task_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id])))

    runs = [r for r in asyncio.run(read()) if r.start_time and r.end_time]
    windows = {}
    for group, prefixes in GROUPS.items():
        mine = [r for r in runs if r.name.startswith(prefixes)]
        if mine:
            windows[group] = (min(r.start_time for r in mine).timestamp(), max(r.end_time for r in mine).timestamp())
    return windows


def _covered(windows: list[tuple[float, float]]) -> float:
    """Seconds covered by at least one window (the outputs are written while the bulletins are laid out)."""
    total, reached = 0.0, float("-inf")
    for start, end in sorted(windows):
        total += max(0.0, end - max(start, reached))
        reached = max(reached, end)
    return total


def _options(root: Path, out: Path, period: Period) -> dict:
    options = dict(
        period=str(period), raw_dir=str(root / "raw"), reference_dir=str(root / "reference"), out_dir=str(out)
    )
    return options | dict(state_dir=str(out / "state"), deliver="outbox", return_state=True)


def first_run(root: Path, out: Path, period: Period) -> None:
    """The flow with an empty state, as the first week's run: it fills data/state with the
    earlier periods' tables (as last week's run did) and starts Prefect's server. Then a fresh
    week: the period's outputs and ledger go, the cached earlier periods stay."""
    from flows.weekly import weekly_bulletins

    weekly_bulletins(**_options(root, out, period))
    shutil.rmtree(out / str(period), ignore_errors=True)
    (out / "state" / "deliveries.sqlite").unlink(missing_ok=True)


def weekly_run(root: Path, out: Path, period: Period) -> dict[str, float]:
    """The flow on `root/raw` and `root/reference`, delivered to the outbox, earlier periods
    cached as in a weekly run; seconds per stage, read from Prefect's task runs."""
    from flows.weekly import weekly_bulletins

    options = _options(root, out, period)
    started = time.perf_counter()
    state = weekly_bulletins(**options)
    stages = {"end to end": time.perf_counter() - started}
    summary = state.result(raise_on_failure=False)
    windows = _windows(state.state_details.flow_run_id)
    stages |= {group: end - start for group, (start, end) in windows.items()}
    stages["Prefect and wiring"] = stages["end to end"] - _covered(list(windows.values()))
    stages["bulletins"] = summary.bulletins
    return stages


def filled_bulletins(root: Path, out: Path, period: Period) -> list[str]:
    """The run's ten (or n + 1) filled bulletins, from the stage functions, for the floor."""
    from nashra.reference import REGION, load_reference
    from tasks.bulletins.context import RunView
    from tasks.bulletins.pages import bulletin_html
    from tasks.evaluation.history import evaluate_with_history
    from tasks.evaluation.ranking import ranking_frame
    from tasks.intake.discover import scan_folders

    paths = RunPaths(root / "raw", root / "reference", out, out / "state")
    reference = load_reference(paths.reference_dir)
    folders = scan_folders(paths.raw_dir, period, reference.codes, reference.directorate_names)
    current, history = evaluate_with_history(paths, reference, period, folders, store=False)
    ranking = ranking_frame(current.table, history[period.previous()], reference, str(period))
    view = RunView.of(reference, current, ranking, history=history, register=[], raw_dir=paths.raw_dir)
    return [bulletin_html(view, scope) for scope in (REGION, *reference.codes)]
