"""The `nashra` sub-commands, one module each; `nashra/cli.py` parses and dispatches.

Exit statuses, the same for every command (README, SPEC §8):
0 everything done; 1 completed, but something failed, stays pending or is held;
2 could not start (a wrong period, setting, folder, reference file or ledger: one line);
3 an unexpected error (one line naming the log file that holds the traceback);
4 stopped by the machine (a full disk; the Prefect server lost mid-run): one line, nothing half-written;
130 interrupted (Ctrl-C).
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import shutil
import signal
import sys
import tempfile
import threading
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from nashra.periods import Period, PeriodError

EXIT_OK, EXIT_INCOMPLETE, EXIT_CANNOT_START, EXIT_INTERNAL, EXIT_MACHINE = 0, 1, 2, 3, 4
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report it
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE: the command reading the output stopped (`| head`)


class CommandError(Exception):
    """A mistake the person can fix: printed as one line, exit status 2."""


def say(message: str) -> None:
    """A message for the person (progress, advice, errors): standard error, so that standard
    output holds only the command's results."""
    print(message, file=sys.stderr)


def fail(message: str) -> int:
    say(f"nashra: error: {message}")
    return EXIT_CANNOT_START


def internal_error(error: BaseException, log_dir: Path) -> int:
    """One line on the terminal; the traceback in a log file whose path that line gives."""
    text = "".join(traceback.format_exception(error))
    stamp = f"{datetime.now():%Y%m%dT%H%M%S}-{os.getpid()}"
    for folder in (Path(log_dir), Path(tempfile.gettempdir())):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            log = folder / f"nashra-error-{stamp}.log"
            log.write_text(f"nashra {' '.join(sys.argv[1:])}\n\n{text}", encoding="utf-8")
            break
        except OSError:
            log = None
    where = f"the traceback is in {log}" if log else "the traceback could not be written"
    say(f"nashra: unexpected error: {type(error).__name__}: {error} ({where})")
    return EXIT_INTERNAL


def machine_fault(error: BaseException, folders: dict[str, Path] | None = None) -> str | None:
    """One line for a fault of the machine rather than of the run (SPEC §8): a full disk,
    naming what was being written, or else which of the command's `folders` (name -> path) sits
    on the fullest disk; a Prefect server lost before the health watch saw it (as a flow run
    starts); None for anything else."""
    seen: set[int] = set()
    todo: list[BaseException | None] = [error]
    while todo:
        current = todo.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, OSError) and current.errno in (errno.ENOSPC, errno.EDQUOT):
            where = f"writing {current.filename}" if current.filename else f"writing in {_fullest(folders)}"
            return f"no space left on the disk ({where}): free some space, then run the same command again"
        if type(current).__name__ == "OperationalError" and "disk is full" in str(current):
            state = " ".join(["the state folder", str((folders or {}).get("state folder", ""))]).strip()
            return (
                f"no space left on the disk of {state} (writing the delivery ledger or the history database): "
                "free some space, then run the same command again"
            )
        if isinstance(current, RuntimeError) and str(current).startswith(UNREACHABLE):
            return server_lost(str(current).removeprefix(UNREACHABLE).rstrip("/ ."))
        todo += [current.__cause__, current.__context__, *getattr(current, "exceptions", ())]
    return None


UNREACHABLE = "Failed to reach API at "  # Prefect's client, when its server refuses as a flow run starts


def _fullest(folders: dict[str, Path] | None) -> str:
    """The folder (`name path`) whose disk has the least space left, as far as it can be told."""
    free = {}
    for name, path in (folders or {}).items():
        existing = next((p for p in (Path(path), *Path(path).absolute().parents) if p.exists()), None)
        with contextlib.suppress(OSError):
            free[f"the {name} {path}"] = shutil.disk_usage(existing).free if existing else None
    known = {where: space for where, space in free.items() if space is not None}
    return min(known, key=known.__getitem__) if known else "an output folder"


def period_or_last(text: str | None, *, ended: bool = True) -> Period:
    """The period asked for, or the week that has just ended. With `ended`, a period that has
    not ended yet is refused (its data cannot exist)."""
    try:
        if not text:
            return Period.last_complete()
        return Period.parse_past(text) if ended else Period.parse(text)
    except PeriodError as error:
        raise CommandError(str(error)) from None


def quiet_prefect(verbose: bool = False) -> None:
    """Prefect offline and quiet on the terminal unless asked (set before Prefect is imported).
    Its logs still reach the run's record on the Prefect server."""
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    logging.getLogger("sqlalchemy").setLevel(logging.CRITICAL)  # noise when the temporary server stops
    if not verbose:
        os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "CRITICAL")
        os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_FLOW_RUNS_LEVEL", "CRITICAL")
        # its services' own errors (events it cannot send to a server that is gone, every few
        # seconds, each a screenful) go to its "debug" handler, not to the console one
        os.environ.setdefault("PREFECT_LOGGING_HANDLERS_DEBUG_LEVEL", "CRITICAL")
        logging.raiseExceptions = False  # nor "--- Error logging to API ---" for each batch it could not send


def check_prefect_server() -> None:
    """A configured Prefect server must answer before the run starts, else one line says how out."""
    from prefect.settings import PREFECT_API_URL

    url = PREFECT_API_URL.value()
    if not url:
        return  # a temporary server is started for the run
    import urllib.request

    try:
        with urllib.request.urlopen(url.rstrip("/") + "/health", timeout=5) as answer:
            answer.read()
    except Exception as error:
        reason = getattr(error, "reason", error)
        raise CommandError(
            f"the Prefect server at {url} does not answer ({reason}): start it (`prefect server start`), "
            "or unset PREFECT_API_URL to run with a temporary one"
        ) from None


@contextmanager
def prefect_server() -> Iterator[None]:
    """The configured Prefect server, checked; else a temporary one for the command's runs, whose
    address the run's worker processes are given (left to themselves, each would start its own).
    The command's flow runs send no heartbeat unless asked (`_foreground`)."""
    from prefect.settings import PREFECT_API_URL, temporary_settings

    check_prefect_server()
    if PREFECT_API_URL.value():
        watching = watch_server(PREFECT_API_URL.value())
        try:
            with temporary_settings(_foreground()):
                yield
        finally:
            watching.set()
        return
    from prefect.server.api.server import SubprocessASGIServer

    server = SubprocessASGIServer()
    # Started with Ctrl-C blocked, which it inherits: the command stops it (guard.end_on_interrupt);
    # left to the signal, it printed "Aborted!" on the terminal. A Ctrl-C meanwhile waits for the start.
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        server.start(timeout=int(os.environ.get("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")))
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
    watching = watch_server(server.api_url)
    try:
        with temporary_settings({PREFECT_API_URL: server.api_url, **_foreground()}):
            yield
            _send_what_is_queued()
    finally:
        watching.set()
        server.stop()


def watch_server(url: str) -> threading.Event:
    """A Prefect server lost in the middle of the command ends it within seconds, in one line
    naming the server, with EXIT_MACHINE (nashra.cli.guard.watch_server)."""
    from nashra.cli.guard import watch_server as watch

    return watch(url, f"nashra: stopped: {server_lost(url)}", EXIT_MACHINE)


def server_lost(url: str) -> str:
    return (
        f"the Prefect server at {url} stopped answering in the middle of the run: start it again "
        "(`prefect server start`), then run the same command again (nothing half-written is kept)"
    )


def _foreground() -> dict:
    """A flow run in the command's own process sends no heartbeat unless
    PREFECT_FLOWS_HEARTBEAT_FREQUENCY (or the profile) asks for them. Prefect sends one every 180 s
    by default, and at the end of every run waits for its heartbeat thread to wake from its
    one-second sleep: 0.5 s on average, every run. Only a server with an automation that crashes
    silent runs reads them (as the national installation's); deployments set their own."""
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, get_current_settings

    asked = "heartbeat_frequency" in get_current_settings().flows.model_fields_set
    return {} if asked else {PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}


def _send_what_is_queued(timeout: float = 10) -> None:
    """The logs and events still queued (the workers' among them) sent while the temporary server
    is up: once it is gone they would be retried at exit, for ever."""
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    for service in (APILogWorker, EventsWorker):
        service.drain_all(timeout=timeout)


def run_weekly_flow(request):
    """One run of the weekly flow; returns its summary, or the exception that stopped it."""
    from flows.weekly import weekly_bulletins

    state = weekly_bulletins(**flow_parameters(request), return_state=True)
    return state.result(raise_on_failure=False)


def flow_parameters(request) -> dict[str, str]:
    """A checked request as the parameters of a flow of one academy (weekly, reminders)."""
    paths = request.paths
    return {
        "period": str(request.period),
        "raw_dir": str(paths.raw_dir),
        "reference_dir": str(paths.reference_dir),
        "out_dir": str(paths.out_dir),
        "state_dir": str(paths.state_dir),
        "deliver": request.channel,
    }


def finished(state, what: str):
    """A flow run's summary, or None after printing why it has none (the run stopped early)."""
    summary = state.result(raise_on_failure=False)
    if isinstance(summary, BaseException) or summary is None:
        print(f"{what}: {state.message or state.name}")
        return None
    return summary
