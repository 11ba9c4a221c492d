"""A worker killed while it writes a log line to the run (its lock on the workers' message queue
taken) must not hang the workers that come after it: before the fix, the task given to the new
pool waited for that lock for ever and the run never ended (seen once in `make test`, in
test_runner.py's killed-worker test). Run in a process of its own, so a hang is a failed test
with a timeout, not a suite that never ends."""

import json
import os
import subprocess
import sys

import pytest

from tests.processes import with_temporary_server

pytestmark = pytest.mark.e2e

SCRIPT = """
import json, os
from prefect import flow, task, get_run_logger
from prefect.cache_policies import NO_CACHE
from flows.forked_pool import StageRunner
from flows.runner import WorkerDied, gather

@task(cache_policy=NO_CACHE, persist_result=False)
def square(n: int) -> int:
    if n == 3:  # killed in the middle of writing a log line: the queue's write lock stays taken
        from prefect.logging import handlers
        handlers._api_log_sink.args[0]._wlock.acquire()
        os._exit(1)
    get_run_logger().info("square of %s", n)
    return n * n

@flow(task_runner=StageRunner(max_workers=2))
def squares() -> dict:
    outcomes = gather({n: square.submit(n) for n in range(6)}, square.submit)
    return {n: "died" if isinstance(v, WorkerDied) else v for n, v in outcomes.items()}

if __name__ == "__main__":
    print(json.dumps(squares()))
"""


def test_a_worker_killed_while_writing_to_the_run_does_not_hang_the_next_ones(tmp_path):
    script = tmp_path / "dead_writer.py"
    script.write_text(SCRIPT)
    env = with_temporary_server() | {
        "PREFECT_HOME": str(tmp_path),
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",  # a fresh home migrates its database first
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    }
    env["PYTHONPATH"] = os.getcwd()
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=240, env=env)
    assert result.returncode == 0, result.stderr[-2000:]
    outcomes = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcomes == {"0": 0, "1": 1, "2": 4, "3": "died", "4": 16, "5": 25}
