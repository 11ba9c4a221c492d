"""The adapter over Prefect's internals (issue 25): Prefect's own `ProcessPoolTaskRunner` with
three changes the weekly run needs. The only module of the project that uses names of Prefect
beginning with `_`; `missing()` checks that they are there as this module expects, and
`flows/runner.py` falls back to the stock runner (slower, never wrong) when they are not.
tests/flows/test_runner.py fails if the fallback would be taken on the pinned Prefect.

Threads cannot share two cores between pandas' and WeasyPrint's Python code (the GIL); processes
can. Prefect's runner spawns each process, which then imports Prefect and the stage it runs
(3-4 s of CPU per worker on this machine); here the processes are forked from a server that has
imported them once (`PRELOAD`), so a worker starts in milliseconds. `nashra run` starts that
server as soon as its settings are checked (`start_early`), so it imports on the other core
while the command imports Prefect.

Around each task, a worker of Prefect's runner validates all of Prefect's settings again from a
dictionary, makes two API clients (each loading the certificate bundle and asking the server's
version) and builds a second process pool it never uses: ~240 ms of CPU per task here, against
~30 ms for the task run itself. Here a worker receives the run's settings already validated,
keeps one client for its life (`_start_worker`) and sets up no pool inside itself.

A process that dies (out of memory, killed) breaks Prefect's pool: its task and every task still
queued fail with `BrokenProcessPool`, and nothing would run afterwards. Here the next submission
gets a fresh pool, with a fresh queue for the workers' logs and events (a process killed while
writing to the old one leaves its lock taken, and every later worker would hang on it), and
`gather` tries each task that was lost once more, alone; a task that kills that process too is
`WorkerDied`, and the others go on. Workers watch their parent and stop within
a second when it is gone (a killed run leaves none behind).
"""

from __future__ import annotations

import inspect
import logging
import signal
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import suppress
from typing import Any

from prefect import task_runners
from prefect.context import SettingsContext, SyncClientContext, get_settings_context
from prefect.task_runners import (
    _PROCESS_POOL_MESSAGE_QUEUE_SHUTDOWN,
    ProcessPoolTaskRunner,
    ThreadPoolTaskRunner,
    _initialize_process_pool_worker,
)

from flows.forkserver import forked_context, watch_parent
from nashra.settings import worker_count

# What this module relies on: module names, methods (with a parameter), and instance attributes.
NEEDED_NAMES = ("_PROCESS_POOL_MESSAGE_QUEUE_SHUTDOWN", "_initialize_process_pool_worker")
NEEDED_METHODS = {
    "_resolve_futures_and_submit": "env",
    "_forward_subprocess_messages": None,
    "_stop_message_forwarding": None,
    "duplicate": None,
}
NEEDED_ATTRIBUTES = ("_executor", "_max_workers", "_subprocess_message_queue", "_message_forwarding_thread")


def missing() -> list[str]:
    """What this adapter needs of Prefect and does not find (empty: it can be used)."""
    gone = [name for name in NEEDED_NAMES if not hasattr(task_runners, name)]
    for method, parameter in NEEDED_METHODS.items():
        found = getattr(ProcessPoolTaskRunner, method, None)
        if found is None or (parameter and parameter not in inspect.signature(found).parameters):
            gone.append(f"ProcessPoolTaskRunner.{method}" + (f"({parameter}=…)" if parameter else ""))
    if len(inspect.signature(_initialize_process_pool_worker).parameters) != 3:
        gone.append("_initialize_process_pool_worker(queue, initializer, initargs)")
    probe = ProcessPoolTaskRunner(max_workers=1)
    gone += [f"ProcessPoolTaskRunner().{name}" for name in NEEDED_ATTRIBUTES if not hasattr(probe, name)]
    return gone


_replacing = threading.Lock()  # module-level: the runner itself travels to the workers, pickled


class StageRunner(ProcessPoolTaskRunner):
    """Prefect's process pool with forked workers and a broken pool replaced at the next task.

    The number of processes is `NASHRA_WORKERS` (default: the cores), read when a run starts."""

    def __init__(self, max_workers: int | None = None):
        super().__init__(max_workers=max_workers or 1)
        self._asked = max_workers
        self._server: dict[str, str] = {}
        self._settings: dict[str, Any] = {}  # the run's Prefect settings context, as its workers use it
        self._scope: _SettingsSentOnce | None = None

    @property
    def processes(self) -> int:
        """How many worker processes the pool runs (NASHRA_WORKERS, read when a run starts)."""
        return self._max_workers

    def duplicate(self) -> Any:  # a StageRunner, or in a worker a ThreadPoolTaskRunner
        """The flow's runner, as Prefect sets it up again around each task in a worker: there it
        never runs anything (a stage starts no task), so it is a thread runner that starts nothing,
        not a second process pool with its queue and thread, made and stopped for every task."""
        if _IN_WORKER:
            return ThreadPoolTaskRunner(max_workers=1)
        return type(self)(max_workers=self._asked)

    def _new_executor(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=self._max_workers,
            mp_context=forked_context(),
            initializer=_initialize_process_pool_worker,
            initargs=(self._subprocess_message_queue, _start_worker, (self._settings,)),
        )

    def __enter__(self) -> StageRunner:
        self._max_workers = self._asked or worker_count()
        self._server = _temporary_server()
        current = get_settings_context()
        settings = _workers_settings(current.settings, self._server.get("PREFECT_API_URL"))
        self._settings = {"profile": current.profile, "settings": settings}
        self._scope = _SettingsSentOnce(profile=current.profile, settings=current.settings, sent=self._settings)
        self._scope.__enter__()
        super().__enter__()
        if self._executor is not None:  # Prefect's spawned pool, which has started no process yet
            self._executor.shutdown(wait=False)
        self._executor = self._new_executor()
        return self

    def __exit__(self, *exc_info: Any) -> None:
        try:
            super().__exit__(*exc_info)
        finally:
            if self._scope is not None:
                self._scope.__exit__()
                self._scope = None

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


class _SettingsSentOnce(SettingsContext):
    """The run's own settings, in its process while its pool is up, sent to the workers with each
    task as `sent`: the settings objects, prepared once. Prefect serializes every setting to a
    dictionary for each task (60-120 ms of CPU here), and the worker validates all of them again
    from it (35-150 ms); an unpickled settings object is taken as it is."""

    sent: dict[str, Any] = {}

    def serialize(self, include_secrets: bool = True) -> dict[str, Any]:
        return self.sent


def _workers_settings(settings: Any, server_url: str | None) -> Any:
    """The run's settings for its workers, with the temporary server's address when there is one."""
    from prefect.settings import PREFECT_API_URL

    return settings.copy_with_update(updates={PREFECT_API_URL: server_url}) if server_url else settings


_IN_WORKER = False  # set in the run's worker processes


def _start_worker(settings_context: dict[str, Any]) -> None:
    """A worker's start: it watches its parent, takes the run's settings, and keeps one Prefect
    client for all its tasks. Each task would otherwise make two clients, each loading the
    certificate bundle (15-55 ms of CPU apiece here) and asking the server's version; one client
    also keeps its connection to the server. If the server cannot be reached now, each task
    makes its own client as Prefect does, and says why if it fails."""
    global _IN_WORKER
    _IN_WORKER = True
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a Ctrl-C is the command's to handle: it stops the workers
    logging.raiseExceptions = False  # a log batch the server did not take is not printed on the terminal
    watch_parent()
    SettingsContext(**settings_context).__enter__()  # for the life of the process
    with suppress(Exception):
        SyncClientContext().__enter__()


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
