"""`python -m benchmarks.overhead`: what one task costs in the run's task runner (Prefect's
process pool with forked workers, `flows/runner.py`), against the same work sent to a bare pool
of processes forked the same way (what the run used before, with no Prefect task run per job).

Needs a running Prefect server (PREFECT_API_URL), as `benchmarks.paired` starts one."""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from flows.forked_pool import StageRunner
from flows.forkserver import forked_context

TASKS = 32


def same(n: int) -> int:
    return n


nothing = task(name="nothing", cache_policy=NO_CACHE, persist_result=False)(same)


def _per_task(submit: Callable[[int], Any], count: int) -> tuple[float, float]:
    """Seconds per task through `submit`: one at a time (a round trip), then `count` at once."""
    [submit(0).result() for _ in range(2)]  # the workers started
    started = time.perf_counter()
    for n in range(8):
        submit(n).result()
    one = (time.perf_counter() - started) / 8
    started = time.perf_counter()
    [future.result() for future in [submit(n) for n in range(count)]]
    return one, (time.perf_counter() - started) / count


@flow(task_runner=StageRunner(max_workers=2))
def through_prefect(count: int) -> tuple[float, float]:
    return _per_task(nothing.submit, count)


def through_bare_pool(count: int) -> tuple[float, float]:
    with ProcessPoolExecutor(max_workers=2, mp_context=forked_context()) as pool:
        return _per_task(lambda n: pool.submit(same, n), count)


def main(repeats: int = 3) -> None:
    rows = {"Prefect task runner": through_prefect, "bare forked pool": through_bare_pool}
    for name, measure in rows.items():
        runs = [measure(TASKS) for _ in range(repeats)]
        one = statistics.median(r[0] for r in runs) * 1000
        many = statistics.median(r[1] for r in runs) * 1000
        print(f"{name}: {one:.1f} ms per task one at a time, {many:.1f} ms per task ({TASKS} on 2 workers)")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
