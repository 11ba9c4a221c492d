"""The run's worker processes: Prefect's own `ProcessPoolTaskRunner`, with two changes the weekly
run needs, and the rule for a task whose process died.

Threads cannot share two cores between pandas' and WeasyPrint's Python code (the GIL); processes
can. Prefect's runner spawns each process, which then imports Prefect and the stage it runs
(3-4 s of CPU per worker on this machine); here the processes are forked from a server that has
imported them once (`PRELOAD`), so a worker starts in milliseconds. `nashra run` starts that
server as soon as its settings are checked (`start_early`), so it imports on the other core
while the command imports Prefect.

A process that dies (out of memory, killed) breaks Prefect's pool: its task and every task still
queued fail with `BrokenProcessPool`, and nothing would run afterwards. Here the next submission
gets a fresh pool, with a fresh queue for the workers' logs and events (a process killed while
writing to the old one leaves its lock taken, and every later worker would hang on it), and
`gather` tries each task that was lost once more, alone; a task that kills that process too is
`WorkerDied`, and the others go on. Workers watch their parent and stop within
a second when it is gone (a killed run leaves none behind).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Mapping
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from prefect.futures import PrefectFuture
from prefect.task_runners import (
    _PROCESS_POOL_MESSAGE_QUEUE_SHUTDOWN,
    ProcessPoolTaskRunner,
    TaskRunner,
    _initialize_process_pool_worker,
)

from flows.forkserver import forked_context, watch_parent
from nashra.settings import dask_address, worker_count

K = TypeVar("K", bound=Hashable)


class WorkerDied(RuntimeError):
    """The process doing a task stopped without an answer, twice (memory, a kill)."""


_replacing = threading.Lock()  # module-level: the runner itself travels to the workers, pickled


class StageRunner(ProcessPoolTaskRunner):
    """Prefect's process pool with forked workers and a broken pool replaced at the next task.

    The number of processes is `NASHRA_WORKERS` (default: the cores), read when a run starts."""

    def __init__(self, max_workers: int | None = None):
        super().__init__(max_workers=max_workers or 1)
        self._asked = max_workers
        self._server: dict[str, str] = {}

    def duplicate(self) -> StageRunner:
        return type(self)(max_workers=self._asked)

    def _new_executor(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=self._max_workers,
            mp_context=forked_context(),
            initializer=_initialize_process_pool_worker,
            initargs=(self._subprocess_message_queue, watch_parent, ()),
        )

    def __enter__(self) -> StageRunner:
        self._max_workers = self._asked or worker_count()
        self._server = _temporary_server()
        super().__enter__()
        if self._executor is not None:  # Prefect's spawned pool, which has started no process yet
            self._executor.shutdown(wait=False)
        self._executor = self._new_executor()
        return self

    def _resolve_futures_and_submit(self, *args: Any, **kwargs: Any):
        kwargs["env"] = {**kwargs["env"], **self._server}
        broken = self._executor
        try:
            return super()._resolve_futures_and_submit(*args, **kwargs)
        except BrokenProcessPool:  # a worker died: this task and the next ones go to fresh processes
            with _replacing:
                if self._executor is broken:
                    self._listen_afresh()
                    self._executor = self._new_executor()
            return super()._resolve_futures_and_submit(*args, **kwargs)

    def _listen_afresh(self) -> None:
        """A new queue for the workers' logs and events, read by a new thread. A process killed
        while writing to the old queue holds its lock for ever: a worker of the new pool writing
        there would wait for it, and never exit (found by tests/flows/test_runner_dead_writer.py)."""
        old = self._subprocess_message_queue
        self._subprocess_message_queue = forked_context().Queue()
        self._message_forwarding_thread = threading.Thread(
            target=self._forward_subprocess_messages, name="nashra-worker-messages", daemon=True
        )
        self._message_forwarding_thread.start()
        if old is not None:
            _stop_reading(old)

    def _stop_message_forwarding(self) -> None:
        if self._subprocess_message_queue is not None:
            self._subprocess_message_queue.cancel_join_thread()  # see `_stop_reading`
        super()._stop_message_forwarding()


def _stop_reading(queue: Any) -> None:
    """Ask the thread reading the workers' queue to stop. If a dead worker holds the queue's lock
    the request never gets through: the thread then waits for ever, harmlessly (a daemon), and the
    process must not wait at its exit to hand the request over (it would never exit); the run's
    process writes nothing else there."""
    queue.cancel_join_thread()
    queue.put_nowait(_PROCESS_POOL_MESSAGE_QUEUE_SHUTDOWN)


def _temporary_server() -> dict[str, str]:
    """The address of this process's temporary Prefect server, when it runs on one (no
    PREFECT_API_URL), for its workers: left to themselves, each would start a server of its own
    and report its task runs there."""
    from prefect.settings import PREFECT_API_URL

    if PREFECT_API_URL.value():
        return {}
    from prefect.server.api.server import SubprocessASGIServer

    server = SubprocessASGIServer()  # the one Prefect started for this flow run
    if not server.running:
        server.start()
    return {"PREFECT_API_URL": server.api_url}


def task_runner() -> TaskRunner[PrefectFuture[Any]]:
    """The weekly flow's task runner: the local worker processes, or, with NASHRA_DASK_ADDRESS,
    the Dask cluster at that address (prefect-dask's `DaskTaskRunner`) for one large run. Read
    when the flow is imported: a CLI run or a deployment's process."""
    address = dask_address()
    if address is None:
        runner: Any = StageRunner()
    else:
        from prefect_dask import DaskTaskRunner

        runner = DaskTaskRunner(address=address)
    return runner  # both are typed with their own futures, which Prefect's flow decorator does not take


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
