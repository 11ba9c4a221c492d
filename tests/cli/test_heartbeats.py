"""The command's own flow runs send no heartbeat unless asked: Prefect's default (one every
180 s) costs each run a wait for the heartbeat thread at its end, and no one reads them unless an
automation on the server does (`PREFECT_FLOWS_HEARTBEAT_FREQUENCY` then asks for them)."""

import os
import subprocess
import sys

PROBE = """
from prefect.settings import get_current_settings, temporary_settings
from nashra.cli.common import _foreground
with temporary_settings(_foreground()):
    print(get_current_settings().flows.heartbeat_frequency)
"""


def frequency(**env: str) -> str:
    clean = {k: v for k, v in os.environ.items() if "HEARTBEAT" not in k}
    result = subprocess.run([sys.executable, "-c", PROBE], env=clean | env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_a_command_s_flow_run_sends_no_heartbeat_by_default():
    assert frequency() == "None"


def test_a_heartbeat_frequency_that_is_asked_for_is_kept():
    assert frequency(PREFECT_FLOWS_HEARTBEAT_FREQUENCY="60") == "60"
