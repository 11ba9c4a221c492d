"""The run's worker processes, for the steps that keep a core busy: reading and checking the
drops, laying out the PDFs, and Great Expectations' checks.

Threads cannot share two cores between pandas' and WeasyPrint's Python code (the GIL);
processes can. Workers are forked from a server process that has already imported the stages
they run (`PRELOAD`), so each starts in milliseconds and the imports are paid once, not once per
worker; that server is started by `start_early` as soon as a command knows it will run the flow,
and it imports while the command imports Prefect (it is a fresh process: the flow's threads are
never forked). Great Expectations gets a process of its own, which imports it meanwhile on the
other core: the run's process never loads it.

A worker that dies (out of memory, killed) breaks the pool: each job it had is then tried once
more alone in a fresh process, never in the run's own process (the largest one, which would die
too); a job that kills that process too fails with WorkerDied, and the others go on. Workers
watch their parent and stop within a second when it is gone (a killed run leaves none behind).
"""

from __future__ import annotations

import functools
import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass

from nashra.settings import worker_count

# What every worker imports once, in the server it is forked from.
PRELOAD = ["tasks.intake.ingest", "tasks.bulletins.layout"]


class WorkerDied(RuntimeError):
    """The process doing a job stopped without an answer, twice (memory, a kill)."""


def default_workers() -> int:
    """The number of worker processes (nashra.settings.worker_count)."""
    return worker_count()


def _context():
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    return context


_checks: list[ProcessPoolExecutor] = []  # the process of Great Expectations, kept for every run of this process


def start_early() -> None:
    """Start the server the workers are forked from and the process of Great Expectations, so
    that they import meanwhile; the next `worker_pool` uses them."""
    from multiprocessing import forkserver

    _context()
    forkserver.ensure_running()
    _checks_pool()


def _watch_parent() -> None:
    """Stop this worker as soon as the process that started it is gone."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _pool(workers: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(max_workers=workers, mp_context=_context(), initializer=_watch_parent)


def _load_great_expectations() -> None:
    _watch_parent()
    from tasks.evaluation.expectations import preload

    preload()


def _checks_pool() -> ProcessPoolExecutor:
    """The process that has imported Great Expectations (spawned: it need not wait for the
    workers' server), started once per process and kept: the periods of a backfill share it."""
    if _checks:
        try:
            _checks[0].submit(int)
            return _checks[0]
        except (BrokenProcessPool, RuntimeError):  # died, or shut down: a new one
            _checks.clear()
    checks = ProcessPoolExecutor(
        max_workers=1, mp_context=multiprocessing.get_context("spawn"), initializer=_load_great_expectations
    )
    checks.submit(int)  # starts its process now, not at the first check
    _checks.append(checks)
    return checks


@dataclass(frozen=True)
class Pools:
    """The run's processes: `workers` for reading and layout, `checks` for Great Expectations."""

    workers: ProcessPoolExecutor
    checks: ProcessPoolExecutor

    def checker(self, fn: Callable) -> Callable:
        """`fn` run in the process that has Great Expectations loaded."""

        def in_checks_process(*args, **kwargs):
            return Job(self.checks, functools.partial(fn, **kwargs), *args).result()

        return in_checks_process


@contextmanager
def worker_pool(workers: int | None = None) -> Iterator[Pools]:
    """`workers` processes (default: `default_workers()`) and the one of Great Expectations, which
    starts loading it at once if it is not running yet (it serves every run of this process)."""
    with _pool(workers or default_workers()) as pool:
        yield Pools(pool, _checks_pool())


def lay_out(html: str) -> bytes:
    """A filled bulletin as PDF (`tasks.bulletins.layout`), named here so that only the workers,
    never the run's own process, import WeasyPrint."""
    from tasks.bulletins.layout import html_to_pdf

    return html_to_pdf(html)


def warm_up_layout() -> None:
    """The stylesheet and its fonts loaded in this worker ahead of the first bulletin."""
    from tasks.bulletins.layout import preload_layout

    preload_layout()


def run_alone(fn: Callable, *args):
    """`fn(*args)` in a fresh process of its own; WorkerDied if that process dies too."""
    with _pool(1) as solo:
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
