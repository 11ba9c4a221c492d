"""The Prefect server lost in the middle of a run (issue 24, item 8, SPEC §8): a real `prefect
server start` on loopback, `nashra run` against it, the server killed (-9) five seconds in. The
run ends within seconds, in one line naming the server, with status 4, no flood of Prefect's
logs and no process left (it took 10 min 40 s and 182 KB of logs before)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from nashra.cli.common import EXIT_MACHINE, machine_fault
from tests.processes import ended_after, started

pytestmark = pytest.mark.e2e


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def flow_running(url: str, seconds: float = 120) -> None:
    """Wait until the server has a flow run Running."""
    query = json.dumps({"flow_runs": {"state": {"type": {"any_": ["RUNNING"]}}}}).encode()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        asked = urllib.request.Request(
            f"{url}/flow_runs/filter", data=query, headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(asked, timeout=5) as answer:
            if json.loads(answer.read()):
                return
        time.sleep(0.2)
    raise TimeoutError("the run never started its flow")


def test_a_server_killed_mid_run_ends_it_in_one_line_with_status_4(tmp_path):
    port = free_port()
    url = f"http://127.0.0.1:{port}/api"
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect"), "PREFECT_UI_ENABLED": "false"}
    env.pop("PREFECT_API_URL", None)
    server = subprocess.Popen(
        [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(url + "/health", timeout=1).read()
                break
            except OSError:
                time.sleep(0.5)
        command = [sys.executable, "-m", "nashra.cli", "run", "--period", "2026-W47", "--deliver", "outbox",
                   "--out-dir", str(tmp_path / "out"), "--state-dir", str(tmp_path / "state")]  # fmt: skip
        run = started(command, {**env, "PREFECT_API_URL": url})
        flow_running(url)  # in the middle of the run, however long the command took to start
        stderr, took, left = ended_after(run, 0, lambda: os.killpg(server.pid, signal.SIGKILL))
    finally:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()
    assert run.returncode == EXIT_MACHINE, stderr[-2000:]
    assert took < 15, took
    assert "Traceback" not in stderr and len(stderr) < 1000
    assert stderr.strip().splitlines() == [
        f"nashra: stopped: the Prefect server at {url} stopped answering in the middle of the run: start it again "
        "(`prefect server start`), then run the same command again (nothing half-written is kept)"
    ]
    assert left == []
    assert not (tmp_path / "out" / "2026-W47" / "manifest.json").exists()


def test_a_server_lost_as_the_flow_run_starts_is_the_same_fault_not_a_defect():
    """Killed after the command's check and before the health watch saw it (CI, two tests at
    once: the run was still starting 5 s in), Prefect's client raised as the flow run began:
    exit 3 and a log, where it is the machine's fault (exit 4, the same line)."""
    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_API_URL, temporary_settings

    url = f"http://127.0.0.1:{free_port()}/api"  # nobody listens there
    with temporary_settings({PREFECT_API_URL: url}), pytest.raises(RuntimeError) as raised:
        get_client(sync_client=True).raise_for_api_version_mismatch()
    line = machine_fault(raised.value)
    assert line is not None and line.startswith(f"the Prefect server at {url} stopped answering")
