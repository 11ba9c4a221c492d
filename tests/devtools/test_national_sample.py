"""The national sample's drops: one folder per academy with its real directorates, the same bytes
for the same arguments, and a mistyped academy refused in one line."""

import hashlib
import subprocess
import sys

import pytest

from devtools.national_sample import write_national_sample


def _digests(root):
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in root.rglob("*.csv")}


def test_an_academy_gets_its_directorates_drops_the_same_each_time(tmp_path):
    assert write_national_sample(tmp_path / "a", exam_rows=20, weeks=2, only=["DOD"]) == ["DOD"]
    write_national_sample(tmp_path / "b", exam_rows=20, weeks=2, only=["DOD"])
    assert sorted(p.name for p in (tmp_path / "a" / "DOD" / "2026-W47").iterdir()) == ["AOU", "ODD"]
    assert sorted(p.name for p in (tmp_path / "a" / "DOD").iterdir()) == ["2026-W46", "2026-W47"]
    assert _digests(tmp_path / "a") == _digests(tmp_path / "b") != {}


def test_an_unknown_academy_is_refused(tmp_path):
    with pytest.raises(ValueError, match="no academy XYZ"):
        write_national_sample(tmp_path, only=["DOD", "XYZ"])
    command = [sys.executable, "-m", "devtools", "national-sample", "--only", "XYZ", "--out", str(tmp_path)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2 and "no academy XYZ" in result.stderr and "Traceback" not in result.stderr
    assert not any(tmp_path.iterdir())
