"""`nashra --help` and `nashra check FILE` (what a clerk runs) stay fast: they never import
Prefect, Great Expectations or WeasyPrint (issue 12). Guarded by what is imported, not by a
timer; their seconds are measured in benchmarks/."""

import subprocess
import sys

import pytest

from nashra.paths import RAW_DIR

PROBE = """
import sys
from nashra.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
print(sorted({m.split(".")[0] for m in sys.modules} & {"prefect", "great_expectations", "weasyprint"}))
"""


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["run", "--help"],
        ["check", str(RAW_DIR / "2026-W47" / "FES" / "exam_results.csv"), "--period", "2026-W47"],
        ["check", str(RAW_DIR / "2026-W43" / "Taz" / "voucher_ledger.xlsx"), "--period", "2026-W43"],
    ],
)
def test_the_light_commands_import_no_heavy_library(args):
    result = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, timeout=60)
    assert result.stdout.strip().splitlines()[-1] == "[]", result.stdout[-500:] + result.stderr[-500:]
