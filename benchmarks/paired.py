"""`python -m benchmarks.paired`: the committed sample's week, measured as a ratio in one paired
run -- the honest floor (pandas reads of its drops, one groupby, WeasyPrint laying out its ten
filled bulletins on all cores) against `nashra run --deliver none` through a running Prefect
server (started here on loopback, and stopped), alternated so that both see the same machine."""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from benchmarks.bare import bare_run
from benchmarks.stages import filled_bulletins
from nashra.paths import PROJECT_ROOT
from nashra.periods import Period

PERIOD = "2026-W47"
PORT = 4297


def _server(home: Path) -> subprocess.Popen:
    env = {**os.environ, "PREFECT_HOME": str(home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    server = subprocess.Popen(
        [sys.executable, "-m", "prefect", "server", "start", "--port", str(PORT)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(120):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/api/health", timeout=1).read()
            return server
        except OSError:
            time.sleep(0.5)
    server.kill()
    raise RuntimeError("the Prefect server did not start")


def _run(work: Path, home: Path) -> float:
    env = {**os.environ, "PREFECT_HOME": str(home), "PREFECT_API_URL": f"http://127.0.0.1:{PORT}/api"}
    command = [sys.executable, "-m", "nashra.cli", "run", "--period", PERIOD, "--deliver", "none"]
    command += ["--out-dir", str(work / "out"), "--state-dir", str(work / "state")]
    shutil.rmtree(work / "out" / PERIOD, ignore_errors=True)
    started = time.perf_counter()
    subprocess.run(command, env=env, check=True, capture_output=True, cwd=PROJECT_ROOT)
    return time.perf_counter() - started


def main(repeats: int = 3) -> None:
    root = PROJECT_ROOT / "data"
    with tempfile.TemporaryDirectory() as folder:
        work, home = Path(folder), Path(folder) / "prefect"
        server = _server(home)
        try:
            _run(work, home)  # earlier periods cached, as in a weekly run
            bulletins = filled_bulletins(root, work / "out", Period.parse(PERIOD))
            floors, runs = [], []
            for _ in range(repeats):
                floors.append(sum(bare_run(root, PERIOD, bulletins).values()))
                runs.append(_run(work, home))
        finally:
            server.terminate()
            server.wait(timeout=30)
    floor, run = statistics.median(floors), statistics.median(runs)
    print(
        f"floor {floor:.1f} s ({min(floors):.1f}-{max(floors):.1f}); nashra run against a running server "
        f"{run:.1f} s ({min(runs):.1f}-{max(runs):.1f}); ratio {run / floor:.1f}x"
    )


if __name__ == "__main__":
    main()
