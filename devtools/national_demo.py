"""`make national-demo`: a Prefect server (SQLite) and two process workers on loopback, the
`academy` deployment, the national sample's drops for the twelve academies, and the national
flow for 2026-W47; prints which worker ran each academy and where the national ranking and
bulletin are, then stops every process it started, by PID. Outputs stay in data/national-demo/."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from devtools.cluster import cluster
from devtools.national_sample import write_national_sample
from nashra.paths import PROJECT_ROOT

PERIOD = "2026-W47"
ROOT = PROJECT_ROOT / "data" / "national-demo"


def main() -> int:
    shutil.rmtree(ROOT, ignore_errors=True)
    written = write_national_sample(ROOT / "raw", exam_rows=200, weeks=1)
    print(f"sample drops of {len(written)} academies in {ROOT / 'raw'}", flush=True)
    with tempfile.TemporaryDirectory(prefix="nashra-prefect-") as home, cluster(Path(home)) as running:
        print(f"Prefect server {running.url}, workers w1 and w2 (pool nashra); running the national flow…", flush=True)
        command = [sys.executable, "-m", "nashra.cli", "national", "--period", PERIOD, "--deliver", "outbox"]
        command += [
            "--raw-dir",
            str(ROOT / "raw"),
            "--out-dir",
            str(ROOT / "reports"),
            "--state-dir",
            str(ROOT / "state"),
        ]
        done = subprocess.run(command, env=running.env, cwd=PROJECT_ROOT, capture_output=True, text=True)
        workers = {run: name for name in ("w1", "w2") for run in running.taken(name)}
        for line in done.stdout.splitlines():
            found = re.match(r"(\w+)\s+run ([0-9a-f-]+)", line)
            print(f"{line}  <- {workers.get(found.group(2), '?')}" if found else line)
        if done.returncode != 0:
            print(done.stderr[-2000:], file=sys.stderr)
        print(f"stopping the server and workers (PIDs {', '.join(str(p.pid) for p in running.processes.values())})")
    return done.returncode


if __name__ == "__main__":
    sys.exit(main())
