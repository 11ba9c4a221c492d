"""An academy run directly, as `nashra run` on its own folders (no work pool), to compare with."""

from __future__ import annotations

import os
import subprocess
import sys

from nashra.paths import PROJECT_ROOT, RunPaths

PERIOD = "2026-W47"


def run_academy(paths: RunPaths, env: dict[str, str] | None = None) -> None:
    """`nashra run --deliver none` on `paths`, with a temporary Prefect server of its own."""
    command = [sys.executable, "-m", "nashra.cli", "run", "--period", PERIOD, "--deliver", "none"]
    for option, folder in (
        ("--raw-dir", paths.raw_dir),
        ("--reference-dir", paths.reference_dir),
        ("--out-dir", paths.out_dir),
        ("--state-dir", paths.state_dir),
    ):
        command += [option, str(folder)]
    alone = {k: v for k, v in (env or os.environ).items() if k != "PREFECT_API_URL"}
    done = subprocess.run(command, env=alone, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
