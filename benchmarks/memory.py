"""Peak memory of a benchmark process and its workers, phase by phase (`MemorySampler`), and
of a command with every process it starts (`TreeMemory`).

A scenario's process runs Nashra's flow (a first run, then the weekly run) and then prepares
and runs the floor, which evaluates the whole week in the process itself: one peak for the
process's life would charge the floor's memory to the flow. So the sampler keeps a peak per
phase, and the process's own peak is the kernel's (VmHWM), reset at each phase change
(`/proc/self/clear_refs`), so that no short peak falls between two samples."""

from __future__ import annotations

import os
import threading
from pathlib import Path

from devtools.cluster import family


def rss_kb(pid: int | str, field: str = "VmRSS") -> int:
    """A process's resident memory (or its peak, with `field="VmHWM"`) in kB; 0 once it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        pass
    return 0


class MemorySampler(threading.Thread):
    """The RSS of this process and of every process it started (the workers, their forkserver,
    Prefect's temporary server), sampled together every `interval` s, with a peak per phase
    (`phase(name)` closes the current one).

    (The kernel's peak for children counts the parent's pages they were forked with, so it
    overstates the workers; sampling /proc sees what is resident at once.)"""

    def __init__(self, first_phase: str, interval: float = 0.1):
        super().__init__(daemon=True)
        self.interval, self.current = interval, first_phase
        self.peaks: dict[str, dict[str, float]] = {}
        self.lock, self.stopped = threading.Lock(), threading.Event()
        self._reset()

    def _reset(self) -> None:
        Path("/proc/self/clear_refs").write_text("5")  # VmHWM back to the current RSS
        self.worker_kb = self.total_kb = 0

    def run(self) -> None:
        me = os.getpid()
        while not self.stopped.wait(self.interval):
            workers = [rss_kb(pid) for pid in family(me)[1:]]
            with self.lock:
                self.worker_kb = max(self.worker_kb, *workers, 0)
                self.total_kb = max(self.total_kb, rss_kb(me) + sum(workers))

    def phase(self, name: str) -> None:
        """Close the current phase with its peaks (MB) and start `name`."""
        with self.lock:
            own = rss_kb(os.getpid(), "VmHWM")
            self.peaks[self.current] = {
                "rss_mb": own / 1024,
                "worker_rss_mb": self.worker_kb / 1024,
                "total_rss_mb": max(own, self.total_kb) / 1024,
            }
            self.current = name
            self._reset()

    def stop(self) -> dict[str, dict[str, float]]:
        self.phase("")
        self.stopped.set()
        self.join()
        return self.peaks


class TreeMemory(threading.Thread):
    """The RSS of a process and all its descendants together, sampled every `interval` s: its
    peak (`peak_kb`) once `stopped` is set."""

    def __init__(self, pid: int | None = None, interval: float = 0.2) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval = pid or os.getpid(), interval
        self.peak_kb, self.stopped = 0, threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(self.interval):
            self.peak_kb = max(self.peak_kb, sum(rss_kb(pid) for pid in family(self.pid)))
