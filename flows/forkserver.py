"""The server the run's workers are forked from, apart from Prefect: `nashra run` starts it
before it imports Prefect, so that both import at once, on the two cores."""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time

# What every worker has imported before its first task, in the server it is forked from: Prefect's
# task engine, the modules that define the workers' tasks (their first task would otherwise import
# them in each worker: ~0.45 s of CPU apiece) and the layout, which those import only when called.
PRELOAD = ["prefect.task_engine", "flows.forked_pool", "flows.reading", "flows.stages", "tasks.bulletins.layout"]


def forked_context():
    """multiprocessing's forkserver context, its server importing `PRELOAD` once."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    return context


def start_early() -> None:
    """Start the server the workers are forked from, so that it imports meanwhile. It starts with
    Ctrl-C blocked, which it and its workers inherit: the command stops them on a Ctrl-C
    (nashra.cli.guard.end_on_interrupt); a Ctrl-C while it imported printed its traceback."""
    from multiprocessing import forkserver, resource_tracker

    forked_context()
    resource_tracker.ensure_running()  # first: it unblocks SIGINT after its own start
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        forkserver.ensure_running()
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)


def watch_parent() -> None:
    """Stop this worker as soon as the process that started it is gone."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()
