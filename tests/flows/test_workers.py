"""The run's worker processes: results come back in order, a worker's error reaches the caller,
a worker that dies never moves its job into the run's own process, and Great Expectations' checks
run in a process of their own."""

import multiprocessing
import os
import sys

import pytest

from flows.workers import Job, WorkerDied, default_workers, run_all, worker_pool


def square_with_pid(n: int) -> tuple[int, int]:
    return n * n, os.getpid()


def refuse(code: str) -> str:
    raise ValueError(f"{code}: fichier illisible")


def die_in_a_worker(n: int) -> int:
    """Kills the worker process it runs in (as the kernel does when memory runs out)."""
    if multiprocessing.parent_process() is not None:
        os._exit(1)
    return n + 1


@pytest.fixture(scope="module")
def pools():
    with worker_pool(2) as pools:
        yield pools


@pytest.fixture(scope="module")
def pool(pools):
    return pools.workers


def test_results_come_back_in_order_from_other_processes(pool):
    results = run_all(pool, square_with_pid, [(n,) for n in range(8)])
    assert [value for value, _ in results] == [n * n for n in range(8)]
    assert os.getpid() not in {pid for _, pid in results}


def test_an_error_in_a_worker_reaches_the_caller_with_its_message(pool):
    with pytest.raises(ValueError, match="MEK: fichier illisible"):
        Job(pool, refuse, "MEK").result()
    assert Job(pool, square_with_pid, 3).result()[0] == 9  # the pool still works


def test_a_job_that_kills_its_worker_fails_alone_and_never_runs_in_the_run_process():
    with worker_pool(1) as pools:
        pool = pools.workers
        with pytest.raises(WorkerDied, match="stopped twice"):
            Job(pool, die_in_a_worker, 1).result()  # died in the pool, then alone: never computed here
        value, pid = Job(pool, square_with_pid, 4).result()  # the pool is broken: a process of its own
        assert value == 16 and pid != os.getpid()


def checked_where(facts: list[int], *, label: str) -> tuple[str, int, bool]:
    return f"{label}: {sum(facts)}", os.getpid(), "great_expectations" in sys.modules


def test_checks_run_in_the_process_that_loaded_great_expectations(pools):
    label, pid, loaded = pools.checker(checked_where)([1, 2], label="E1")
    assert label == "E1: 3" and pid != os.getpid() and loaded


def test_the_periods_of_a_backfill_share_one_process_of_great_expectations(pools):
    first = pools.checker(checked_where)([1], label="W47")[1]
    with worker_pool(1) as again:
        assert again.checker(checked_where)([2], label="W48")[1] == first  # imported once, not per period


def test_workers_start_with_the_stages_already_imported(pool):
    imported = Job(pool, sorted_modules_here).result()
    assert {"tasks.intake.ingest", "tasks.bulletins.layout", "weasyprint"} <= imported


def sorted_modules_here() -> set[str]:
    return set(sys.modules)


def test_without_a_pool_the_work_is_done_here():
    assert run_all(None, square_with_pid, [(2,), (3,)]) == [(4, os.getpid()), (9, os.getpid())]


def test_the_number_of_workers_can_be_set_and_a_wrong_one_is_refused(monkeypatch):
    monkeypatch.setenv("NASHRA_WORKERS", "3")
    assert default_workers() == 3
    monkeypatch.setenv("NASHRA_WORKERS", "0")
    with pytest.raises(ValueError, match="NASHRA_WORKERS='0'"):
        default_workers()
    monkeypatch.delenv("NASHRA_WORKERS")
    assert default_workers() == len(os.sched_getaffinity(0))
