"""One run's tasks on a Dask cluster (NASHRA_DASK_ADDRESS, prefect-dask's DaskTaskRunner): a
scheduler and two workers started as processes on loopback; the outputs are byte-identical to
the local run's record (a wrong address is refused by the CLI: tests/cli/test_cli_truth.py)."""

import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.golden import digest_outputs, read_record, run_demo

pytestmark = pytest.mark.e2e

DASK = Path(sys.executable).with_name("dask")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _answers(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """`dask scheduler` and two `dask worker` processes (one thread each), stopped after."""
    port, folder = _free_port(), tmp_path_factory.mktemp("dask")
    quiet = dict(stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=folder)
    common = ["--no-dashboard", "--host", "127.0.0.1"]
    processes = [subprocess.Popen([str(DASK), "scheduler", "--port", str(port), *common], **quiet)]
    try:
        deadline = time.monotonic() + 60
        while not _answers(port) and time.monotonic() < deadline:
            time.sleep(0.5)
        address = f"tcp://127.0.0.1:{port}"
        worker = [str(DASK), "worker", address, "--nthreads", "1", *common]
        processes += [subprocess.Popen([*worker, "--name", f"w{n}"], **quiet) for n in (1, 2)]
        _wait_for_workers(address, 2)
        yield address
    finally:
        for process in processes:
            process.kill()  # a test cluster keeps nothing: its graceful close took 8 s
        for process in processes:
            process.wait(timeout=30)


def _wait_for_workers(address: str, count: int) -> None:
    from distributed import Client

    with Client(address, timeout=60) as client:
        client.wait_for_workers(count, timeout=60)


def test_a_run_on_a_dask_cluster_gives_the_local_run_s_outputs(cluster, tmp_path):
    from distributed import Client

    found = digest_outputs(run_demo(tmp_path, env={"NASHRA_DASK_ADDRESS": cluster}))
    recorded = read_record()
    assert sorted(found) == sorted(recorded)
    assert [name for name in recorded if found[name] != recorded[name]] == []
    with Client(cluster, timeout=30) as client:
        done = client.run_on_scheduler(lambda dask_scheduler: sorted(dask_scheduler.task_prefixes))
    assert {"ingest_directorate", "lay_out"} <= set(done), done  # read and laid out there, not here
