"""Driving a command as a terminal would: its own process group, a signal to the group, what it
left running afterwards."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from nashra.cli.guard import descendants


def with_temporary_server() -> dict[str, str]:
    """The environment without PREFECT_API_URL: the command starts Prefect's temporary server
    itself, as on a machine with no server configured (not the tests' session server)."""
    return {name: value for name, value in os.environ.items() if name != "PREFECT_API_URL"}


def started(command: list[str], env: dict[str, str] | None = None) -> subprocess.Popen:
    """`command` in a process group of its own (as a shell's foreground job), output captured."""
    return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)  # fmt: skip


def ended_after(run: subprocess.Popen, seconds: float, fault: Callable[[], None], timeout: float = 60):
    """Wait `seconds`, cause `fault`, then wait for `run` to end: its stderr, the seconds it took
    after the fault, and the processes it had started that still run a second later."""
    time.sleep(seconds)
    children = descendants(run.pid)
    fault()
    at = time.monotonic()
    try:
        _, stderr = run.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(run.pid, signal.SIGKILL)
        _, stderr = run.communicate()
    took = time.monotonic() - at
    time.sleep(1)
    return stderr, took, [pid for pid in children if alive(pid)]


def alive(pid: int) -> bool:
    """Still running (a zombie has an empty command line)."""
    try:
        return bool(Path(f"/proc/{pid}/cmdline").read_bytes())
    except OSError:
        return False
