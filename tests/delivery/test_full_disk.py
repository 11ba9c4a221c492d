"""A full disk (issue 24, item 5), on a real tmpfs: a message whose outbox file could not be
written was not delivered (it stays to send, never in doubt); a run whose out-dir or state-dir
fills up ends in one line with status 4, nothing half-written, and the re-run completes."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from nashra.cli.common import EXIT_MACHINE
from tasks.delivery.ledger import Ledger
from tasks.delivery.rounds import deliver_round
from tasks.delivery.transport import OutboxTransport
from tests.delivery.test_delivery import letters_for, ranking
from tests.delivery.test_ledger_trust import NO_WAIT, P


class Tmpfs:
    """A small tmpfs mounted for one test (root only: CI and the sessions run as root)."""

    def __init__(self, where: Path, size: str):
        self.path = where
        where.mkdir(parents=True)
        mounted = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)], capture_output=True
        )
        if mounted.returncode:
            pytest.skip(f"cannot mount a tmpfs here ({mounted.stderr.decode().strip()}): run as root")

    def fill(self) -> None:
        """Leave no byte free, as a disk that filled up."""
        filler = self.path / f"filler-{uuid.uuid4().hex}"
        with filler.open("wb") as handle:
            try:
                while True:
                    handle.write(b"\0" * 65536)
                    handle.flush()
            except OSError:
                pass

    def free(self) -> None:
        for filler in self.path.glob("filler-*"):
            filler.unlink()

    def grow(self, size: str) -> None:
        subprocess.run(["mount", "-o", f"remount,size={size}", str(self.path)], check=True)

    def unmount(self) -> None:
        subprocess.run(["umount", "-l", str(self.path)], check=False)


@pytest.fixture
def tmpfs(tmp_path):
    mounted = []

    def mount(name: str, size: str) -> Tmpfs:
        mounted.append(Tmpfs(tmp_path / name, size))
        return mounted[-1]

    yield mount
    for disk in mounted:
        disk.unmount()


def test_an_outbox_write_on_a_full_disk_delivered_nothing_and_is_sent_once_space_is_freed(
    tmp_path, tmpfs, reference, pdfs
):
    disk = tmpfs("out", "1m")
    ledger = Ledger(tmp_path / "deliveries.sqlite")
    outbox = OutboxTransport(disk.path / "outbox")
    (disk.path / "outbox").mkdir()
    disk.fill()
    letters = letters_for(reference, pdfs, ranking())
    deliver_round(P, ledger, outbox, letters, delays=NO_WAIT)
    entries = ledger.entries(str(P))
    assert {e.status for e in entries} == {"failed"}  # never in doubt: nothing left
    assert any("not written: No space left on device" in (e.last_error or "") for e in entries)
    assert list((disk.path / "outbox").iterdir()) == []  # no half-written message

    deliver_round(P, ledger, outbox, [], delays=NO_WAIT)  # still full: still to send, not unconfirmed
    assert {e.status for e in ledger.entries(str(P))} == {"failed"}
    disk.free()
    deliver_round(P, ledger, outbox, [], delays=NO_WAIT)
    assert {e.status for e in ledger.entries(str(P))} == {"sent"}
    assert len(list((disk.path / "outbox").glob("*.eml"))) == len(letters)


def nashra_run(out: Path, state: Path) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "nashra.cli", "run", "--period", "2026-W47", "--deliver", "outbox"]
    command += ["--out-dir", str(out), "--state-dir", str(state)]
    return subprocess.run(command, capture_output=True, text=True, timeout=300, env=os.environ.copy())


@pytest.mark.e2e
@pytest.mark.parametrize("full", ["out", "state"])
def test_a_full_folder_ends_the_run_in_one_line_with_status_4_and_the_rerun_completes(tmp_path, tmpfs, full):
    disk = tmpfs(full, "3m")
    disk.fill()
    folders = {"out": tmp_path / "out", "state": tmp_path / "state", full: disk.path / full}
    result = nashra_run(folders["out"], folders["state"])
    assert result.returncode == EXIT_MACHINE, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("nashra: stopped: no space left on the disk")
    assert str(disk.path / full) in lines[0]
    assert not list(folders["out"].rglob("*.tmp"))  # nothing half-written
    assert not (folders["out"] / "2026-W47" / "manifest.json").exists()

    disk.free()
    disk.grow("200m")
    again = nashra_run(folders["out"], folders["state"])
    assert again.returncode == 0, again.stderr
    assert len(list((folders["out"] / "2026-W47" / "outbox").glob("*.eml"))) == 20
