"""One pool of worker processes per run, for the steps that keep a core busy: reading and
checking the drops, laying out the PDFs.

Threads cannot share two cores between pandas' and WeasyPrint's Python code (the GIL);
processes can. Workers are spawned, not forked, because the flow runs threads. A worker that
dies (out of memory, killed) breaks the pool: each job it had is then tried once more alone in
a fresh process, never in the run's own process (the largest one, which would die too); a job
that kills that process too fails with WorkerDied, and the others go on. Workers watch their
parent and stop within a second when it is gone (a killed run leaves none behind).
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager

from nashra.settings import worker_count


class WorkerDied(RuntimeError):
    """The process doing a job stopped without an answer, twice (memory, a kill)."""


def default_workers() -> int:
    """The number of worker processes (nashra.settings.worker_count)."""
    return worker_count()


def _watch_parent(parent: int) -> None:
    """Stop this worker as soon as the process that started it is gone."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _spawned_pool(workers: int) -> ProcessPoolExecutor:
    context = multiprocessing.get_context("spawn")
    return ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=_watch_parent, initargs=(os.getpid(),)
    )


@contextmanager
def worker_pool(workers: int | None = None) -> Iterator[ProcessPoolExecutor]:
    """A pool of `workers` processes (default: `default_workers()`)."""
    with _spawned_pool(workers or default_workers()) as pool:
        yield pool


def run_alone(fn: Callable, *args):
    """`fn(*args)` in a fresh process of its own; WorkerDied if that process dies too."""
    with _spawned_pool(1) as solo:
        try:
            return solo.submit(fn, *args).result()
        except BrokenProcessPool:
            raise WorkerDied(
                "the process doing this work stopped twice without an answer (out of memory?); "
                "the rest of the run went on without it"
            ) from None


class Job:
    """`fn(*args)` sent to a worker (or run here when there is no pool); `result()` waits for it."""

    def __init__(self, pool: Executor | None, fn: Callable, *args):
        self.fn, self.args, self.future, self.alone = fn, args, None, False
        if pool is not None:
            try:
                self.future = pool.submit(fn, *args)
            except BrokenProcessPool:
                self.alone = True

    def result(self):
        """The value of `fn(*args)`, or the exception it raised (WorkerDied if its worker died)."""
        if self.future is not None:
            try:
                return self.future.result()
            except BrokenProcessPool:
                self.alone = True
        if self.alone:
            return run_alone(self.fn, *self.args)
        return self.fn(*self.args)


def run_all(pool: Executor | None, fn: Callable, arguments: Iterable[tuple]) -> list:
    """`fn` over each tuple of `arguments`, all in the pool at once, results in order."""
    jobs = [Job(pool, fn, *args) for args in arguments]
    return [job.result() for job in jobs]
