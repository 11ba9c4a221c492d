"""Issue 10 §4-5: a killed run leaves no process and no temporary folder behind, and a bulletin's
bytes do not depend on the machine having HarfBuzz's subsetter."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from nashra.cli.guard import descendants
from tasks.files import remove_leftovers
from tests.processes import with_temporary_server


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_a_run_removes_what_a_killed_run_left_and_nothing_of_a_live_one(tmp_path):
    dead, alive = dead_pid(), os.getppid()
    (tmp_path / f".validation.{dead}.tmp" / "sub").mkdir(parents=True)
    (tmp_path / f".validation.{dead}.old").mkdir()
    (tmp_path / "bulletins").mkdir()
    (tmp_path / "bulletins" / f".bulletin_FES_2026-W47.pdf.{dead}.k2j4_x9a.tmp").write_bytes(b"half")
    (tmp_path / f".rankings.csv.{alive}.abcd1234.tmp").write_bytes(b"another run at work")
    (tmp_path / "rankings.csv").write_bytes(b"kept")
    removed = remove_leftovers(tmp_path)
    assert len(removed) == 3
    assert sorted(p.name for p in tmp_path.rglob("*")) == [
        f".rankings.csv.{alive}.abcd1234.tmp",
        "bulletins",
        "rankings.csv",
    ]


@pytest.mark.e2e
def test_no_process_of_a_killed_run_outlives_it(tmp_path):
    """`kill -9` of `nashra run` while its Prefect server and workers are up: all gone in seconds."""
    command = [
        sys.executable,
        "-m",
        "nashra.cli",
        "run",
        "--period",
        "2026-W47",
        "--deliver",
        "none",
        "--out-dir",
        str(tmp_path / "out"),
        "--state-dir",
        str(tmp_path / "state"),
    ]
    run = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=with_temporary_server())
    started, seen = time.monotonic(), {}
    try:

        def up(word: str) -> bool:
            return any(word in cmdline(p) for p in seen)

        # The workers' server starts first, then Prefect's server.
        while time.monotonic() - started < 120 and not (up("multiprocessing") and up("uvicorn")):
            seen.update(descendants(run.pid))
            time.sleep(0.5)
        assert up("uvicorn"), "the run never started Prefect's server"
        assert up("forkserver"), "the run never started its workers' server"
    finally:
        run.send_signal(signal.SIGKILL)
        run.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and [p for p in seen if running(p)]:
        time.sleep(0.5)
    assert [cmdline(p) for p in seen if running(p)] == [], "still running after the run was killed"


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_text(errors="replace").replace("\0", " ")
    except OSError:
        return ""


def running(pid: int) -> bool:
    """Alive and not a zombie waiting for its parent."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2] != "Z"


DETERMINISM = """
import sys, time
import weasyprint.pdf.fonts as fonts
fonts.harfbuzz_subset = None  # as on a machine without libharfbuzz-subset0: fontTools subsets
from tasks.bulletins.layout import html_to_pdf
html = '<html><body><p>نشرة Bulletin 2026-W47</p></body></html>'
first = html_to_pdf(html)
time.sleep(1.2)
sys.stdout.write(str(first == html_to_pdf(html)))
"""


def test_bulletins_are_byte_identical_without_harfbuzz_subset():
    result = subprocess.run([sys.executable, "-c", DETERMINISM], capture_output=True, text=True, timeout=120)
    assert result.stdout == "True", result.stderr
