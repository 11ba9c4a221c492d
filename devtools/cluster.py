"""A Prefect server and process workers on loopback, started and stopped by PID: what
`make national-demo` and the national tests run the national flow on.

Each process is started in a session of its own and stopped with its group (the runs a worker
started go with it); their output goes to `<home>/<name>.log`.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from nashra.paths import PROJECT_ROOT

PREFECT = str(Path(sys.executable).with_name("prefect"))
POOL = "nashra"


@dataclass
class Cluster:
    home: Path
    env: dict[str, str]
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return self.env["PREFECT_API_URL"]

    def start(self, name: str, *command: str) -> subprocess.Popen:
        with open(self.home / f"{name}.log", "wb") as out:
            process = subprocess.Popen(
                command, env=self.env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        self.processes[name] = process
        return process

    def taken(self, worker: str) -> set[str]:
        """The flow runs a worker has taken, from its log."""
        return runs_taken((self.home / f"{worker}.log").read_text())

    def stop(self) -> None:
        for process in self.processes.values():
            with suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                with suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)


def runs_taken(log: str) -> set[str]:
    """The flow runs a worker's log shows it ran: those it began to submit and did not give up.
    Two workers polling the same pool both log "submitting" for a run they both saw; the server
    lets one have it and the other logs "Aborted submission"."""
    began = re.findall(r"submitting flow run '([0-9a-f-]+)'", log)
    aborted = re.findall(r"Aborted submission of flow run '([0-9a-f-]+)'", log)
    return set(began) - set(aborted)


def lost_runs_automations(heartbeat_seconds: int, lost_after_seconds: int) -> str:
    """automations.yaml as JSON for `prefect automation create --from-json`, its window of
    missed heartbeats set to `lost_after_seconds` (the file says 90, for heartbeats every 30 s)."""
    declared = yaml.safe_load((PROJECT_ROOT / "automations.yaml").read_text(encoding="utf-8"))
    if heartbeat_seconds < 30 or lost_after_seconds <= heartbeat_seconds:
        raise ValueError("Prefect sends a heartbeat every 30 s at the most; a run is lost after more than one")
    for automation in declared["automations"]:
        automation["trigger"]["within"] = lost_after_seconds
    return json.dumps(declared)


@contextmanager
def cluster(
    home: Path,
    workers: int = 2,
    database_url: str | None = None,
    *,
    heartbeat_seconds: int = 30,
    lost_after_seconds: int = 90,
) -> Iterator[Cluster]:
    """A server (SQLite in `home`, or `database_url`), the pool `nashra`, the `academy` deployment
    of prefect.yaml (its runs sending a heartbeat every `heartbeat_seconds`), the automations of
    automations.yaml (a run lost after `lost_after_seconds` without one), and `workers` process
    workers (`w1`, `w2`, … one run at a time each). Tests shorten both times."""
    port = _free_port()
    env = {**os.environ, "PREFECT_HOME": str(home), "PREFECT_API_URL": f"http://127.0.0.1:{port}/api"}
    env |= {"NASHRA_HOME": str(PROJECT_ROOT), "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "NASHRA_WORKERS": "1"}
    env |= {"PREFECT_WORKER_QUERY_SECONDS": "1"}  # a free worker takes the next academy run within 1 s, not 10
    if database_url:
        env["PREFECT_SERVER_DATABASE_CONNECTION_URL"] = database_url
    running = Cluster(home, env)
    try:
        server = running.start("server", PREFECT, "server", "start", "--host", "127.0.0.1", "--port", str(port))
        _wait_healthy(running.url, server)
        heartbeat = json.dumps({"env": {"PREFECT_FLOWS_HEARTBEAT_FREQUENCY": str(heartbeat_seconds)}})
        automations = lost_runs_automations(heartbeat_seconds, lost_after_seconds)
        for command in (
            [PREFECT, "work-pool", "create", POOL, "--type", "process"],
            [PREFECT, "--no-prompt", "deploy", "--name", "academy", "--pool", POOL, "--job-variable", heartbeat],
            [PREFECT, "automation", "create", "--from-json", automations],
        ):
            done = subprocess.run(command, env=env, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120)
            if done.returncode != 0:
                raise RuntimeError(f"{' '.join(command[1:4])} failed: {done.stdout[-1500:]}{done.stderr[-1500:]}")
        for n in range(1, workers + 1):
            running.start(f"w{n}", PREFECT, "worker", "start", "--pool", POOL, "--name", f"w{n}", "--limit", "1")
        yield running
    finally:
        running.stop()


def family(pid: int) -> list[int]:
    """A process and every process it started, from /proc (children of each of its threads)."""
    found, seen = [pid], 0
    while seen < len(found):
        with suppress(FileNotFoundError, ProcessLookupError):  # a process may end while it is read
            for task in list(Path(f"/proc/{found[seen]}/task").iterdir()):
                with suppress(FileNotFoundError, ProcessLookupError):
                    found += [int(child) for child in (task / "children").read_text().split()]
        seen += 1
    return found


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_healthy(url: str, server: subprocess.Popen, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the Prefect server stopped ({server.returncode})")
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError("the Prefect server did not answer")
