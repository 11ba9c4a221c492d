"""Without PREFECT_API_URL (Prefect's temporary server), the workers report to the run's server:
left to Prefect, each worker started a temporary server of its own (its task runs went there, and
its servers outlived the run)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.processes import with_temporary_server

pytestmark = pytest.mark.e2e

SCRIPT = """
import json, os
from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from flows.forked_pool import StageRunner

@task(cache_policy=NO_CACHE, persist_result=False)
def where() -> str:
    from prefect.settings import PREFECT_API_URL
    return PREFECT_API_URL.value()

@flow(task_runner=StageRunner(max_workers=2))
def probe() -> dict:
    from prefect.server.api.server import SubprocessASGIServer
    return {"run": SubprocessASGIServer().api_url, "workers": [where.submit().result() for _ in range(3)]}

if __name__ == "__main__":
    print(json.dumps(probe()))
"""


def _servers_of(home: Path) -> list[int]:
    """The Prefect servers started with PREFECT_HOME `home` (other tests' servers may run meanwhile)."""
    found = subprocess.run(["pgrep", "-f", "uvicorn --app-dir"], capture_output=True, text=True).stdout.split()
    mark = f"PREFECT_HOME={home}".encode()
    return [int(pid) for pid in found if mark in _environ(int(pid)).split(b"\0")]


def _environ(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/environ").read_bytes()
    except OSError:
        return b""


def test_workers_report_to_the_run_s_temporary_server_and_none_is_left(tmp_path):
    script = tmp_path / "probe.py"
    script.write_text(SCRIPT)
    env = with_temporary_server() | {"PREFECT_HOME": str(tmp_path)}
    env["PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"] = "120"  # as the CLI: a fresh home migrates first
    env["PYTHONPATH"] = os.getcwd()
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=240, env=env)
    assert result.returncode == 0, result.stderr[-2000:]
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["workers"] == [seen["run"]] * 3
    assert _servers_of(tmp_path) == []  # the run's temporary server stopped with it
