"""An academy run directly, as `nashra run` on its own folders (no work pool), to compare with."""

from __future__ import annotations

from nashra.paths import RunPaths
from tests.command import nashra

PERIOD = "2026-W47"


def run_academy(paths: RunPaths) -> None:
    """`nashra run --deliver none` on `paths`, in this process, on the session's Prefect server."""
    folders = ("--raw-dir", paths.raw_dir, "--reference-dir", paths.reference_dir)
    folders += ("--out-dir", paths.out_dir, "--state-dir", paths.state_dir)
    done = nashra("run", "--period", PERIOD, "--deliver", "none", *folders)
    assert done.returncode == 0, done.stderr[-2000:]
