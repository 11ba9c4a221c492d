"""The benchmark's memory is per phase: the floor's own peak (it evaluates the whole week in
the process) must not be charged to the flow measured before it."""

import numpy as np

from benchmarks.memory import MemorySampler, TreeMemory


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


def test_a_commands_memory_counts_the_processes_it_starts():
    """`benchmarks.versus` compares versions by the memory of the command and every process it
    starts (the workers are the forkserver's children, not the command's)."""
    import subprocess
    import sys

    child = "import numpy, time; a = numpy.ones(25_000_000); time.sleep(1.5)"  # 200 MB, touched
    grandchild = f"import subprocess, sys; subprocess.run([sys.executable, '-c', {child!r}])"
    process = subprocess.Popen([sys.executable, "-c", grandchild])
    memory = TreeMemory(process.pid, interval=0.05)
    memory.start()
    process.wait(timeout=60)
    memory.stopped.set()
    memory.join()
    assert memory.peak_kb / 1024 > 180
