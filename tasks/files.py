"""Files as the pipeline writes and recognises them: atomic writes and staged folders (a crash
never leaves a half-written file where a good one was), sha256 fingerprints (the identity of
inputs and outputs in the manifest and the ledger), the clock, and the temporaries a killed run
left behind.

Every temporary name carries the process id of the run that made it (`.<name>.<pid>.…tmp`,
`.<name>.<pid>.old`): a run removes those whose process is gone, never another live run's.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

LEFTOVER = re.compile(r"^\..+\.(\d+)(\.[^.]*)?\.(tmp|old)$")


def write_atomic(path: Path, data: bytes) -> str:
    """Write `data` to `path` through a temporary file and a rename; returns its sha256."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)  # mkstemp creates 0600; outputs are meant to be shared
        os.replace(temporary, path)
    except OSError as error:  # a full disk says which file it was writing (a write names none)
        Path(temporary).unlink(missing_ok=True)
        if error.filename is None:
            raise OSError(error.errno, error.strerror, str(path)) from error
        raise
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return hashlib.sha256(data).hexdigest()


@contextmanager
def staged_folder(final: Path):
    """A folder written under a temporary name, then swapped in whole for `final` on success."""
    staging = final.with_name(f".{final.name}.{os.getpid()}.tmp")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    old = final.with_name(f".{final.name}.{os.getpid()}.old")
    if final.exists():
        final.rename(old)
    staging.rename(final)
    shutil.rmtree(old, ignore_errors=True)


def sha256_file(path: Path) -> str:
    """sha256 of a file, read once per version of it: carry-over, history keys and the register ask
    for the same drops again and again."""
    stat = Path(path).stat()
    return _sha256(str(Path(path).resolve()), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=8192)
def _sha256(path: str, mtime_ns: int, size: int) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def now_utc() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def relative(path: Path, base: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(Path(base).resolve()))
    except ValueError:
        return str(path)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_leftovers(*folders: Path) -> list[Path]:
    """Remove the temporaries of dead runs under `folders`; returns what was removed."""
    removed = []
    for folder in folders:
        folder = Path(folder)
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob(".*"), reverse=True):
            match = LEFTOVER.match(path.name)
            if not match or int(match[1]) == os.getpid() or _alive(int(match[1])):
                continue
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
            removed.append(path)
    return removed
