"""The benchmark's memory is per phase: the floor's own peak (it evaluates the whole week in
the process) must not be charged to the flow measured before it."""

import numpy as np

from benchmarks.memory import MemorySampler


def test_a_peak_in_one_phase_is_not_charged_to_the_next():
    memory = MemorySampler("flow", interval=0.01)
    memory.start()
    large = np.ones(40_000_000)  # 320 MB, touched
    del large
    memory.phase("floor")
    small = np.ones(1_000_000)
    del small
    peaks = memory.stop()
    assert peaks["flow"]["rss_mb"] - peaks["floor"]["rss_mb"] > 250
    assert peaks["floor"]["total_rss_mb"] >= peaks["floor"]["rss_mb"]
