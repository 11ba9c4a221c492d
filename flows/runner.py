"""The run's task runner, chosen here, and the rule for a task whose process died.

Threads cannot share two cores between pandas' and WeasyPrint's Python code (the GIL); processes
can. The local runner is `flows/forked_pool.py`'s `StageRunner`, Prefect's process pool with
forked workers (the only module that leans on Prefect's internals); when the installed Prefect
lacks what it needs, Prefect's own `ProcessPoolTaskRunner` is used instead, slower, and the run
says so in its log. With NASHRA_DASK_ADDRESS, a Dask cluster.

A process that dies (out of memory, killed) is retried once by `gather`, alone; a task that kills
that process too is `WorkerDied`, and the others go on.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Hashable, Mapping
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from prefect.futures import PrefectFuture
from prefect.task_runners import ProcessPoolTaskRunner, TaskRunner

from nashra.settings import dask_address, worker_count

K = TypeVar("K", bound=Hashable)


class WorkerDied(RuntimeError):
    """The process doing a task stopped without an answer, twice (memory, a kill)."""


def task_runner() -> TaskRunner[PrefectFuture[Any]]:
    """The weekly flow's task runner: the local worker processes, or, with NASHRA_DASK_ADDRESS,
    the Dask cluster at that address (prefect-dask's `DaskTaskRunner`) for one large run. Read
    when the flow is imported: a CLI run or a deployment's process."""
    address = dask_address()
    if address is not None:
        from prefect_dask import DaskTaskRunner

        return DaskTaskRunner(address=address)  # type: ignore[return-value]  # its own futures' type
    try:
        from flows import forked_pool

        gone = forked_pool.missing()
    except ImportError as error:  # a name it imports from Prefect is gone
        gone = [str(error)]
    if gone:
        logging.getLogger("nashra").warning(
            "Prefect's process pool is used as it is (slower): this Prefect lacks %s", ", ".join(gone)
        )
        return ProcessPoolTaskRunner(max_workers=worker_count())  # type: ignore[return-value]
    return forked_pool.StageRunner()  # type: ignore[return-value]


def load_checks_meanwhile() -> None:
    """Great Expectations imported on a thread of the run's process while it waits for its
    workers' reads (3-5 s of CPU that would otherwise wait for the first quality check); once per
    process, so a backfill's periods share it."""
    from tasks.evaluation.expectations import preload

    if not any(thread.name == _IMPORTING for thread in threading.enumerate()):
        threading.Thread(target=preload, name=_IMPORTING, daemon=True).start()


_IMPORTING = "import-great-expectations"


def _mark_crashed(future: PrefectFuture) -> None:
    """The task run of a process that died is Crashed in Prefect, not left Running."""
    from prefect.client.orchestration import get_client
    from prefect.states import Crashed

    try:
        with get_client(sync_client=True) as client:
            client.set_task_run_state(
                future.task_run_id, Crashed(message="its worker process stopped without an answer"), force=True
            )
    except Exception:  # never created (the task had not started): nothing to correct
        pass


def gather(futures: Mapping[K, PrefectFuture], again: Callable[[K], PrefectFuture]) -> dict[K, Any]:
    """Each task's value, or the exception it raised. A task lost with its process is submitted
    once more by `again`, alone (one at a time, so a task that kills its process takes no other
    with it), and is `WorkerDied` if that process dies too."""
    outcomes: dict[K, Any] = {}
    lost: list[K] = []
    for key, future in futures.items():
        try:
            outcomes[key] = future.result()
        except BrokenProcessPool:
            _mark_crashed(future)
            lost.append(key)
        except Exception as error:
            outcomes[key] = error
    for key in lost:
        retry = again(key)
        try:
            outcomes[key] = retry.result()
        except BrokenProcessPool:
            _mark_crashed(retry)
            outcomes[key] = WorkerDied(
                "the process doing this work stopped twice without an answer (out of memory?); "
                "the rest of the run went on without it"
            )
        except Exception as error:
            outcomes[key] = error
    return {key: outcomes[key] for key in futures}
