"""The run's task runner (Prefect's process pool, forked workers) in real Prefect runs: results
come back from other processes, a task's error reaches the flow, a task that kills its worker
fails alone while the others complete, and the dead task run is Crashed, not left Running."""

import multiprocessing
import os
import sys
import time

import pytest
from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from flows.forked_pool import StageRunner
from flows.runner import WorkerDied, gather
from nashra.settings import worker_count

pytestmark = pytest.mark.usefixtures("prefect_api")  # the session's server
quiet = dict(cache_policy=NO_CACHE, persist_result=False)


@task(**quiet)
def square_with_pid(n: int) -> tuple[int, int]:
    if n in (13, 17) and multiprocessing.parent_process() is not None:
        time.sleep(n - 13)  # 17: long enough for Prefect to know it is running
        os._exit(1)  # kills its worker, as the kernel does when memory runs out
    if n == 7:
        raise ValueError("MEK: fichier illisible")
    return n * n, os.getpid()


@task(**quiet)
def modules_here() -> set[str]:
    return set(sys.modules)


@flow(task_runner=StageRunner(max_workers=2))
def squares(numbers: list[int]) -> dict:
    futures = {n: square_with_pid.submit(n) for n in numbers}
    outcomes = gather(futures, square_with_pid.submit)
    return {"outcomes": outcomes, "ids": {n: f.task_run_id for n, f in futures.items()}, "here": os.getpid()}


@flow(task_runner=StageRunner(max_workers=2))
def imported() -> set[str]:
    return modules_here.submit().result()


@task(**quiet)
def client_and_server() -> tuple[int, int, str]:
    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_API_URL

    return os.getpid(), id(get_client(sync_client=True)), str(PREFECT_API_URL.value())


@flow(task_runner=StageRunner(max_workers=1))
def clients(count: int) -> dict:
    from prefect.settings import PREFECT_API_URL

    return {"seen": [client_and_server.submit().result() for _ in range(count)], "url": PREFECT_API_URL.value()}


def test_results_come_back_in_order_from_other_processes():
    run = squares(list(range(6)))
    assert [value for value, _ in run["outcomes"].values()] == [n * n for n in range(6)]
    assert run["here"] not in {pid for _, pid in run["outcomes"].values()}


def test_an_error_in_a_task_reaches_the_flow_with_its_message_and_the_others_complete():
    outcomes = squares([6, 7, 8])["outcomes"]
    assert isinstance(outcomes[7], ValueError) and "MEK: fichier illisible" in str(outcomes[7])
    assert outcomes[6][0] == 36 and outcomes[8][0] == 64


def test_a_task_that_kills_its_worker_fails_alone_and_the_others_complete():
    run = squares([11, 12, 13, 14, 15, 16])
    outcomes = run["outcomes"]
    assert isinstance(outcomes[13], WorkerDied) and "stopped twice" in str(outcomes[13])
    assert {n: outcomes[n][0] for n in (11, 12, 14, 15, 16)} == {n: n * n for n in (11, 12, 14, 15, 16)}
    assert run["here"] not in {outcomes[n][1] for n in (11, 12, 14, 15, 16)}  # never computed in the run's process


def test_the_task_run_of_a_dead_worker_is_crashed_not_left_running():
    from prefect.client.orchestration import get_client

    run = squares([17])
    deadline, state = time.monotonic() + 20, None
    with get_client(sync_client=True) as client:
        while time.monotonic() < deadline and (state is None or state.type.value != "CRASHED"):
            time.sleep(1)
            state = client.read_task_run(run["ids"][17]).state
    assert state is not None and state.type.value == "CRASHED"


def test_workers_start_with_the_stages_already_imported():
    assert {"tasks.intake.ingest", "tasks.bulletins.layout", "weasyprint", "prefect.task_engine"} <= imported()


def test_a_worker_keeps_one_prefect_client_for_its_tasks_on_the_run_s_server():
    """Each task would otherwise make two clients (loading the certificate bundle, asking the
    server's version) and validate every Prefect setting again: most of a task's cost."""
    run = clients(4)
    assert len({pid for pid, _, _ in run["seen"]}) == 1  # one worker did the four
    assert len({client for _, client, _ in run["seen"]}) == 1
    assert {url for _, _, url in run["seen"]} == {run["url"]}


def test_the_number_of_workers_is_read_when_a_run_starts(monkeypatch):
    monkeypatch.setenv("NASHRA_WORKERS", "3")
    with StageRunner() as runner:
        assert runner.processes == 3
    assert StageRunner(max_workers=1).duplicate()._asked == 1


def test_the_number_of_workers_can_be_set_and_a_wrong_one_is_refused(monkeypatch):
    monkeypatch.setenv("NASHRA_WORKERS", "3")
    assert worker_count() == 3
    monkeypatch.setenv("NASHRA_WORKERS", "0")
    with pytest.raises(ValueError, match="NASHRA_WORKERS='0'"):
        worker_count()
    monkeypatch.delenv("NASHRA_WORKERS")
    assert worker_count() == len(os.sched_getaffinity(0))


def test_the_forked_pool_is_used_on_the_pinned_prefect():
    """Fails when the adapter would fall back to Prefect's stock pool: an upgrade that moved one
    of the internals flows/forked_pool.py relies on is seen here, not as a slower week."""
    from flows import forked_pool
    from flows.runner import task_runner

    assert forked_pool.missing() == []
    assert type(task_runner()) is StageRunner


def test_without_what_the_adapter_needs_the_stock_pool_runs_and_says_why(monkeypatch, caplog):
    from prefect.task_runners import ProcessPoolTaskRunner

    from flows import forked_pool
    from flows.runner import task_runner

    monkeypatch.setattr(forked_pool, "NEEDED_ATTRIBUTES", ("_a_name_prefect_removed",))
    assert forked_pool.missing() == ["ProcessPoolTaskRunner()._a_name_prefect_removed"]
    with caplog.at_level("WARNING", logger="nashra"):
        runner = task_runner()
    assert type(runner) is ProcessPoolTaskRunner
    assert "used as it is (slower): this Prefect lacks ProcessPoolTaskRunner()._a_name_prefect_removed" in caplog.text
