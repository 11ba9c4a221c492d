"""Large blocks given back to the system as soon as they are freed, in the run's process.

glibc serves an allocation above its mmap threshold (128 KiB) with a mapping of its own, given
back when freed; but each time such a block is freed it raises the threshold (up to 32 MiB), so
that the next weeks' arrays come from its heap, which keeps what is freed. A first run evaluates
an earlier week before its own: on the national sample the run's process kept ~0.8 GB of the
earlier week and peaked at 2.5 GB; with the threshold fixed, 1.5-1.6 GB in one measure, 2.4 GB
in another, where the earlier week was let go while the run's own rows arrived
(benchmarks/README.md, "Sixth pass" and "Seventh pass"). Fixing it at glibc's default also stops
the raising. Elsewhere than glibc, nothing is changed.
"""

from __future__ import annotations

import ctypes
import ctypes.util

M_MMAP_THRESHOLD = -3  # glibc's malloc.h
THRESHOLD = 128 * 1024  # glibc's default, kept from now on


def return_large_blocks() -> bool:
    """Fix this process's mmap threshold; False where the C library is not glibc."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return bool(libc.mallopt(M_MMAP_THRESHOLD, THRESHOLD))
    except (OSError, AttributeError):
        return False
