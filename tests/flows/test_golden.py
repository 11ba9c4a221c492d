"""Every output of `make demo` is byte-identical to the record taken before the architecture
change (issue 12): rankings, quarantine files, bulletins, messages' bodies and attachments, the
manifest apart from its times. Refresh the record on purpose with `python -m tests.golden`."""

import pytest

from tests.golden import RECORD, digest_outputs, read_record, run_demo

pytestmark = pytest.mark.e2e


def test_the_demo_outputs_are_the_recorded_ones(tmp_path):
    found = digest_outputs(run_demo(tmp_path))
    recorded = read_record()
    assert sorted(found) == sorted(recorded), "outputs added or missing"
    changed = [name for name in recorded if found[name] != recorded[name]]
    assert changed == [], f"outputs differ from {RECORD.name}: {changed}"
