"""`nashra check` from an installed wheel (issue 11): the receipt tells directorates to run it, so
it must work outside a checkout — `pip install` of the wheel, run from another folder."""

import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from nashra.paths import PROJECT_ROOT
from tests.conftest import EXAM_HEADER, write_csv


@pytest.mark.e2e
def test_check_works_from_an_installed_wheel_run_from_another_folder(tmp_path):
    wheels, venv = tmp_path / "wheels", tmp_path / "venv"
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--quiet"]
    subprocess.run([*pip, "wheel", "--no-deps", "-w", str(wheels), str(PROJECT_ROOT)], check=True)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    # Installed by the new environment's own pip (this one's would remove the checkout's install)...
    wheel = next(wheels.glob("nashra-*.whl"))
    with zipfile.ZipFile(wheel) as archive:  # the developers' tools stay in the checkout (issue 25)
        packages = {name.split("/")[0] for name in archive.namelist()}
    assert {"nashra", "flows", "tasks", "schemas"} <= packages and "devtools" not in packages
    own_pip = [venv / "bin" / "python", "-m", "pip", "--disable-pip-version-check", "--quiet"]
    subprocess.run([*own_pip, "install", "--no-deps", "--no-index", str(wheel)], check=True)
    # ...then its dependencies borrowed from this environment (after the install: pip never sees them).
    site = Path(
        subprocess.check_output(
            [venv / "bin" / "python", "-c", "import site; print(site.getsitepackages()[0])"], text=True
        ).strip()
    )
    (site / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    elsewhere = tmp_path / "elsewhere"
    path = write_csv(
        elsewhere / "exam_results.csv",
        [EXAM_HEADER, ["1234567", "Ali", "MO-200", "27/09/2026", "850", "oui", "VCH000001"]],
    )
    result = subprocess.run(
        [
            venv / "bin" / "python",
            "-m",
            "nashra.cli",
            "check",
            path.name,
            "--period",
            "2026-W47",
            "--directorate",
            "FES",
        ],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "فاس — Fès" in result.stdout and "serait accepté" in result.stdout
    where = subprocess.check_output(
        [venv / "bin" / "python", "-c", "import nashra.paths as p; print(p.REFERENCE_DIR)"], cwd=elsewhere, text=True
    )
    assert where.strip().startswith(str(venv)), where  # the wheel's own copy, not this checkout's
    nation = subprocess.check_output(
        [
            venv / "bin" / "python",
            "-c",
            "from nashra.academies import load_nation; from nashra.paths import NATIONAL_DIR as d; "
            "n = load_nation(d); print(len(n.academies), len(n.directorates), d)",
        ],
        cwd=elsewhere,
        text=True,
    ).split()
    assert nation[:2] == ["12", "82"] and nation[2].startswith(str(venv))  # the national folder travels too
