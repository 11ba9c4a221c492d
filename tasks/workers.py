"""One pool of worker processes per run, for the steps that keep a core busy: reading and
checking the drops, laying out the PDFs.

Threads cannot share two cores between pandas' and WeasyPrint's Python code (the GIL);
processes can. Workers are spawned, not forked, because the flow runs threads. A pool that
breaks (a killed worker, memory) never loses work: what was sent to it is computed here.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager, suppress


def default_workers() -> int:
    """`NASHRA_WORKERS` if set (fewer workers, less memory: each holds a directorate's files
    while it checks them), else one per core this process may use."""
    configured = os.environ.get("NASHRA_WORKERS", "").strip()
    if configured:
        if not configured.isdigit() or int(configured) < 1:
            raise ValueError(f"NASHRA_WORKERS={configured!r}: expected a whole number of processes, 1 or more")
        return int(configured)
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


@contextmanager
def worker_pool(workers: int | None = None, **options) -> Iterator[ProcessPoolExecutor]:
    """A pool of `workers` processes (default: `default_workers()`); `options` go to ProcessPoolExecutor."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers or default_workers(), mp_context=context, **options) as pool:
        yield pool


class Job:
    """`fn(*args)` sent to a worker (or run here when there is no pool); `result()` waits for it."""

    def __init__(self, pool: Executor | None, fn: Callable, *args):
        self.fn, self.args, self.future = fn, args, None
        if pool is not None:
            with suppress(BrokenProcessPool):
                self.future = pool.submit(fn, *args)

    def result(self):
        """The value of `fn(*args)`, or the exception it raised; computed here if the pool broke."""
        if self.future is not None:
            try:
                return self.future.result()
            except BrokenProcessPool:
                pass
        return self.fn(*self.args)


def run_all(pool: Executor | None, fn: Callable, arguments: Iterable[tuple]) -> list:
    """`fn` over each tuple of `arguments`, all in the pool at once, results in order."""
    jobs = [Job(pool, fn, *args) for args in arguments]
    return [job.result() for job in jobs]
