"""A small guard process beside each `nashra run`: when the run's process is gone (killed with
`kill -9`, out of memory), it stops every process the run had started -- Prefect's temporary
server, worker processes, the resource tracker -- within a few seconds.

Run as `python -m nashra.cli.guard PID`; it watches PID's descendants twice a second and, once PID
is gone, sends them SIGTERM, then SIGKILL to those still there. Linux only (it reads /proc);
elsewhere it exits at once.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

POLL_SECONDS = 0.5
GRACE_SECONDS = 2.0


def _process_table() -> dict[int, tuple[int, str]]:
    """pid -> (parent pid, start time) of every process we can see."""
    table = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        fields = text[text.rindex(")") + 2 :].split()
        table[int(stat.parent.name)] = (int(fields[1]), fields[19])
    return table


def descendants(root: int) -> dict[int, str]:
    """pid -> start time of every process below `root`."""
    children: dict[int, list[int]] = {}
    table = _process_table()
    for pid, (parent, _) in table.items():
        children.setdefault(parent, []).append(pid)
    found, todo = {}, [root]
    while todo:
        for pid in children.get(todo.pop(), []):
            found[pid] = table[pid][1]
            todo.append(pid)
    return found


def _same_process(pid: int, start: str) -> bool:
    """Still the process we saw (a pid may be reused once it is gone)."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    fields = text[text.rindex(")") + 2 :].split()
    return fields[19] == start and fields[0] != "Z"


def guard(parent: int) -> None:
    """Watch `parent`; when it is gone, stop what it had started."""
    start = _process_table().get(parent, (0, ""))[1]
    known: dict[int, str] = {}
    while _same_process(parent, start):
        known = {pid: when for pid, when in descendants(parent).items() if pid != os.getpid()}
        time.sleep(POLL_SECONDS)
    for sig in (signal.SIGTERM, signal.SIGKILL):
        left = {pid: when for pid, when in known.items() if _same_process(pid, when)}
        for pid in left:
            with contextlib.suppress(OSError):
                os.kill(pid, sig)
        if not left:
            return
        time.sleep(GRACE_SECONDS)


def end_on_interrupt(line: str, status: int) -> None:
    """Ctrl-C ends the command at once: `line` on the terminal, every process it started
    stopped, exit `status`, no traceback (SPEC §8). Prefect would otherwise mark its runs crashed
    through a server the same Ctrl-C has stopped, and wait on its workers' queues for a minute.
    Nothing is half-written: every output is renamed into place whole, and the ledger and the
    history database are transactional; a killed write leaves a temporary file the next run removes."""

    def end(signum, frame) -> None:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C changes nothing
        stop_everything(line, status)

    signal.signal(signal.SIGINT, end)


def stop_everything(line: str, status: int) -> None:
    """`line` on the terminal, every process this one started killed, and this one ended with
    `status` at once (no cleanup that could wait on what is gone)."""
    os.write(2, f"{line}\n".encode())
    for pid, when in descendants(os.getpid()).items():
        if _same_process(pid, when):
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
    os._exit(status)


REFUSED_SECONDS, SILENT_SECONDS = 3.0, 30.0


def watch_server(url: str, line: str, status: int, poll: float = 1.0) -> threading.Event:
    """End the command (stop_everything) when the Prefect server at `url` is lost mid-run: it
    refused connections for REFUSED_SECONDS, or answered nothing for SILENT_SECONDS (a busy
    server answers slowly, a dead one refuses at once). Prefect itself retried for minutes and
    flooded the terminal with its events' errors. Setting the returned event ends the watch
    (before the server is stopped on purpose)."""
    import urllib.error
    import urllib.request

    health = url.rstrip("/") + "/health"
    done = threading.Event()

    def watch() -> None:
        refused_since = silent_since = None
        while not done.wait(poll):
            now = time.monotonic()
            try:
                with urllib.request.urlopen(health, timeout=5) as answer:
                    answer.read()
                refused_since = silent_since = None
                continue
            except urllib.error.HTTPError:
                refused_since = silent_since = None  # it answers: alive, whatever it says
                continue
            except (ConnectionRefusedError, urllib.error.URLError) as error:
                refused = isinstance(getattr(error, "reason", error), ConnectionRefusedError)
                refused_since = (refused_since or now) if refused else None
            except OSError:  # a timeout: no answer
                refused_since = None
            silent_since = silent_since or now
            lost = (refused_since and now - refused_since >= REFUSED_SECONDS) or now - silent_since >= SILENT_SECONDS
            if lost and not done.is_set():
                stop_everything(line, status)

    threading.Thread(target=watch, name="prefect-server-watch", daemon=True).start()
    return done


def start_guard() -> None:
    """Start the guard of this process (no-op where /proc is not there)."""
    if not Path("/proc/self/stat").exists():
        return
    subprocess.Popen(
        [sys.executable, "-m", "nashra.cli.guard", str(os.getpid())],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # a Ctrl-C on the terminal stops the run, not its guard
    )


if __name__ == "__main__":
    guard(int(sys.argv[1]))
