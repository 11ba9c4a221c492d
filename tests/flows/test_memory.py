"""The run's process gives large freed blocks back to the system (flows/memory.py): a first run's
earlier week, once evaluated, does not stay in the process while the run's own week is read."""

from __future__ import annotations

import subprocess
import sys

import pytest

from flows.memory import return_large_blocks

# A week's arrays freed, with small objects still alive among them (as a run's are), in a fresh
# interpreter: what is left resident of them, in MB.
PROBE = """
import sys
import numpy as np
from flows.memory import return_large_blocks
if sys.argv[1] == "fixed":
    return_large_blocks()
def rss():
    return int(next(l for l in open("/proc/self/status") if l.startswith("VmRSS")).split()[1]) // 1024
np.ones(1 << 20).sum()  # one 8 MiB block freed: glibc raises its threshold past a week's arrays
before = rss()
week, kept = [], []
for n in range(400):
    week.append(np.ones(64 * 1024))  # 512 KiB each, 200 MB in all
    kept.append(bytearray(2048))  # small and alive after the week is let go
del week
print(rss() - before)
"""


def _left(mode: str) -> int:
    result = subprocess.run([sys.executable, "-c", PROBE, mode], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return int(result.stdout)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's allocator")
def test_a_freed_week_is_given_back_to_the_system():
    assert return_large_blocks()  # glibc here
    assert _left("default") > 150  # what a run's process kept before (the heap keeps it)
    assert _left("fixed") < 30
