"""The outputs of `make demo` as sha256, to hold a restructuring to byte-identical outputs.

`python -m tests.golden` runs `nashra run --period 2026-W47 --deliver outbox` on the committed
sample into a temporary folder and writes `tests/data/golden-2026-W47.sha256`;
`tests/flows/test_flow_e2e.py` runs the same command (in its process) and compares, and
`tests/flows/test_dask.py` a run on a Dask cluster. What changes from run to run by nature is
left out: the manifest's times and code version, the headers of the messages (their Date).
The code version printed on the bulletins is held still by running outside git (GIT_DIR).
"""

from __future__ import annotations

import email
import hashlib
import json
import os
import subprocess
import sys
import tempfile
from email import policy
from pathlib import Path

PERIOD = "2026-W47"
RECORD = Path(__file__).parent / "data" / f"golden-{PERIOD}.sha256"
VOLATILE_MANIFEST_KEYS = ("generated_at", "code_version")


def _manifest_digest(data: bytes) -> str:
    manifest = json.loads(data)
    for key in VOLATILE_MANIFEST_KEYS:
        manifest.pop(key, None)
    for delivery in manifest.get("deliveries", []):
        delivery.pop("time", None)
    return hashlib.sha256(json.dumps(manifest, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _message_digest(data: bytes) -> str:
    """Subject, bodies (text, HTML) and attachments (name and bytes) of an .eml; not its Date or
    other headers."""
    message = email.message_from_bytes(data, policy=policy.default)
    digest = hashlib.sha256(str(message["Subject"]).encode())
    for kind in ("plain", "html"):
        body = message.get_body((kind,))
        digest.update(body.get_content().encode() if body is not None else b"")
    for part in message.iter_attachments():
        digest.update((part.get_filename() or "").encode() + part.get_payload(decode=True))
    return digest.hexdigest()


def digest_outputs(folder: Path) -> dict[str, str]:
    """relative path -> sha256 of every output of a period folder but the Data Docs."""
    found = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        name = str(path.relative_to(folder))
        if name.startswith("validation/"):
            continue
        data = path.read_bytes()
        if name == "manifest.json":
            found[name] = _manifest_digest(data)
        elif path.suffix == ".eml":
            found[name] = _message_digest(data)
        else:
            found[name] = hashlib.sha256(data).hexdigest()
    return found


def run_demo(workdir: Path, env: dict[str, str] | None = None) -> Path:
    """`nashra run` on the sample, as `make demo` does, into `workdir` (with `env` added to the
    environment); returns the period folder."""
    env = {**os.environ, "GIT_DIR": str(workdir / "no-git"), **(env or {})}
    command = [sys.executable, "-m", "nashra.cli", "run", "--period", PERIOD, "--deliver", "outbox"]
    command += ["--out-dir", str(workdir / "reports"), "--state-dir", str(workdir / "state")]
    result = subprocess.run(command, capture_output=True, text=True, timeout=600, env=env)
    if result.returncode != 0:
        raise RuntimeError(f"the demo run failed ({result.returncode}): {result.stderr}")
    return workdir / "reports" / PERIOD


def read_record(path: Path = RECORD) -> dict[str, str]:
    lines = (line.split("  ", 1) for line in path.read_text().splitlines() if line.strip())
    return {name: digest for digest, name in lines}


def main() -> None:
    with tempfile.TemporaryDirectory() as workdir:
        found = digest_outputs(run_demo(Path(workdir)))
    RECORD.parent.mkdir(parents=True, exist_ok=True)
    RECORD.write_text("".join(f"{digest}  {name}\n" for name, digest in found.items()))
    print(f"{len(found)} outputs recorded in {RECORD}")


if __name__ == "__main__":
    main()
