"""Temporary files and folders that a killed run left behind, removed by the next run.

Every temporary name carries the process id of the run that made it (`.<name>.<pid>.…tmp`,
`.<name>.<pid>.old`): a run removes those whose process is gone, never another live run's.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

LEFTOVER = re.compile(r"^\..+\.(\d+)(\.[^.]*)?\.(tmp|old)$")


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
