"""`nashra national` refuses to start, in one line and with exit 2, what cannot work: no Prefect
server to put the academy runs on, a broken national reference."""

import os
import subprocess
import sys

from nashra.paths import PROJECT_ROOT
from tests.processes import with_temporary_server


def _national(tmp_path, *options: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    (tmp_path / "raw").mkdir(exist_ok=True)
    command = [
        sys.executable,
        "-m",
        "nashra.cli",
        "national",
        "--period",
        "2026-W47",
        "--raw-dir",
        str(tmp_path / "raw"),
    ]
    return subprocess.run([*command, *options], env=env, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120)


def test_without_a_prefect_server_it_says_what_to_start(tmp_path):
    env = with_temporary_server()
    done = _national(tmp_path, env=env)
    assert done.returncode == 2 and "work pool" in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_a_broken_academies_file_is_named_with_its_line(tmp_path):
    folder = tmp_path / "national"
    folder.mkdir()
    (folder / "academies.csv").write_text("code,name_ar,name_fr,reference\nXX,س,X,nowhere\n", encoding="utf-8")
    env = {**os.environ, "PREFECT_API_URL": "http://127.0.0.1:9/api"}
    done = _national(tmp_path, "--national-dir", str(folder), env=env)
    assert done.returncode == 2 and "nowhere: reference folder not found" in done.stderr
