"""The CLI's errors a person can fix are one line, not a traceback."""

import os
import shutil
import subprocess
import sys

import pytest

from nashra.paths import REFERENCE_DIR


def nashra(*args):
    return subprocess.run([sys.executable, "-m", "nashra.cli", *args], capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize(
    "args, message",
    [
        (["run", "--period", "2026-47"], "not an ISO week"),
        (["run", "--period", "2026-W60"], "has no week 60"),
        (["run", "--raw-dir", "/nonexistent/raw"], "raw folder not found"),
        (["run", "--reference-dir", "/nonexistent/ref"], "reference folder not found"),
    ],
)
def test_errors_are_one_line(args, message):
    result = nashra(*args)
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_broken_reference_file_names_the_file_and_line(tmp_path):
    shutil.copytree(REFERENCE_DIR, tmp_path, dirs_exist_ok=True)
    (tmp_path / "exams.csv").write_text("exam_code,title_fr,title_ar,level,passing_score\nMO-100,W,و,a,sept\n")
    result = nashra("run", "--reference-dir", str(tmp_path))
    assert result.returncode == 2 and "exams.csv:2" in result.stderr and "Traceback" not in result.stderr


def test_a_target_of_zero_is_refused_before_anything_is_written(tmp_path):
    reference, out = tmp_path / "reference", tmp_path / "out"
    shutil.copytree(REFERENCE_DIR, reference)
    targets = (reference / "targets.csv").read_text().replace("IFR,450", "IFR,0")
    (reference / "targets.csv").write_text(targets)
    result = nashra("run", "--period", "2026-W47", "--reference-dir", str(reference), "--out-dir", str(out))
    assert result.returncode == 2 and "targets.csv:5: beneficiaries_target '0' is not a positive" in result.stderr
    assert "Traceback" not in result.stderr and not out.exists()


def test_a_wrong_number_of_workers_is_refused_before_anything_runs():
    result = subprocess.run(
        [sys.executable, "-m", "nashra.cli", "run", "--period", "2026-W47"],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "NASHRA_WORKERS": "two"},
    )
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "NASHRA_WORKERS='two': expected a whole number of processes" in result.stderr
