"""Ctrl-C (issue 24, item 7, SPEC §8): one SIGINT to the command's process group, as a terminal
sends it, while Prefect starts, while the directorates are read, while bulletins are laid out
and sent — each time exit 130 within seconds, one line, no traceback, no process left; then the
re-run completes and every message is sent once. The driver signals the process group itself:
a background job of bash would ignore SIGINT."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys

import pytest

from tests.processes import ended_after, started, with_temporary_server

pytestmark = pytest.mark.e2e


def command(out, state) -> list[str]:
    return [sys.executable, "-m", "nashra.cli", "run", "--period", "2026-W47", "--deliver", "outbox",
            "--out-dir", str(out), "--state-dir", str(state)]  # fmt: skip


def interrupted_after(seconds: float, out, state) -> tuple[int, str, float, list[int]]:
    run = started(command(out, state), env=with_temporary_server())
    stderr, took, left = ended_after(run, seconds, lambda: os.killpg(run.pid, signal.SIGINT), timeout=30)
    return run.returncode, stderr, took, left


def test_one_ctrl_c_ends_the_run_at_once_and_the_rerun_sends_each_message_once(tmp_path):
    out, state = tmp_path / "out", tmp_path / "state"
    for seconds in (1.2, 3, 9, 15):  # the workers' server importing; Prefect starting; reading; bulletins
        status, stderr, took, alive = interrupted_after(seconds, out, state)
        assert status == 130, (seconds, stderr)
        assert took < 5, (seconds, took)
        assert "Traceback" not in stderr and "Aborted" not in stderr
        assert stderr.strip().splitlines() == [
            "nashra: interrupted: nothing half-written is kept; run the same command again"
        ], seconds
        assert alive == [], (seconds, alive)
    again = subprocess.run(command(out, state), capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    with sqlite3.connect(state / "deliveries.sqlite") as db:
        rows = db.execute("SELECT status, attempts FROM deliveries WHERE period = '2026-W47'").fetchall()
    assert len(rows) == 20 and {status for status, _ in rows} == {"sent"}
    assert sum(attempts > 1 for _, attempts in rows) <= 1  # at most the one interrupted as it was written
    assert not list(out.rglob("*.tmp"))
