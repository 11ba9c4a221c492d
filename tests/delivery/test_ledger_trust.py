"""Issue 10 §3, SPEC §8: at most one extra copy of a message, ever; a refusal is not retried
forever; a lost or broken ledger is noticed before anything is sent; a week where nothing
arrived is held until released."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest

from nashra.periods import Period
from nashra.reference import REGION
from nashra.settings import DeliverySettings
from tasks.delivery.ledger import Entry, Ledger, LedgerError
from tasks.delivery.ledger_check import check_ledger
from tasks.delivery.rounds import deliver_round, delivery_records
from tasks.delivery.transport import OutboxTransport, SmtpTransport
from tests.delivery.test_delivery import letters_for, ranking
from tests.smtp_server import SmtpServer

P = Period.parse("2026-W47")
NO_WAIT = (0.0, 0.0)


def an_entry(period: str, recipient: str = "dp.fes@aref-fm.example", status: str = "sent") -> Entry:
    return Entry(
        period=period,
        kind="bulletin",
        scope="FES",
        recipient=recipient,
        name="DP Fès",
        edition_key="k" * 24,
        edition=1,
        bulletin="[]",
        sha256="0" * 64,
        snapshot="{}",
        subject="s",
        body="b",
        attachments="[]",
        status=status,
        attempts=1,
        last_error=None,
        note=None,
        message_id="<m@nashra>",
        channel="outbox",
        created_at="2026-11-23T07:00:00+00:00",
        updated_at="2026-11-23T07:00:00+00:00",
    )


@pytest.fixture
def server():
    smtp = SmtpServer().start()
    yield smtp
    smtp.stop()


def smtp(server: SmtpServer, timeout: str = "5") -> SmtpTransport:
    return SmtpTransport(DeliverySettings.for_channel("smtp", server.env(NASHRA_SMTP_TIMEOUT=timeout)).smtp)


def test_a_server_that_never_answers_data_gets_each_message_at_most_twice(tmp_path, reference, pdfs, server):
    ledger = Ledger(tmp_path / "deliveries.sqlite")
    letters = letters_for(reference, pdfs, ranking())
    server.inbox.silent_seconds = 3
    started = time.monotonic()
    deliver_round(P, ledger, smtp(server, "1"), letters, delays=NO_WAIT)
    assert time.monotonic() - started < 4  # about one timeout, not one per message
    statuses = sorted(e.status for e in ledger.entries(str(P)))
    assert statuses == ["failed", "failed", "failed", "in_doubt"]  # the round stopped for everyone

    server.inbox.silent_seconds = 0
    deliver_round(P, ledger, smtp(server), [], delays=NO_WAIT)  # the one in doubt goes once more
    assert {e.status for e in ledger.entries(str(P))} == {"sent"}
    deliver_round(P, ledger, smtp(server), letters, delays=NO_WAIT)
    ids = server.inbox.message_ids()
    assert len(ids) == 5 and max(ids.count(i) for i in ids) == 2  # the doubtful one twice, same Message-ID


def test_a_message_in_doubt_twice_is_never_sent_again_by_itself(tmp_path, reference, pdfs, server):
    ledger = Ledger(tmp_path / "deliveries.sqlite")
    letters = [x for x in letters_for(reference, pdfs, ranking()) if x.scope == "FES"]
    server.inbox.drop_after_data = True  # the message arrives, the answer never does
    for _ in range(4):
        deliver_round(P, ledger, smtp(server), letters, delays=NO_WAIT)
    [entry] = ledger.entries(str(P))
    assert entry.status == "unconfirmed" and len(server.inbox.messages) == 2


def test_a_run_killed_between_data_and_the_answer_sends_once_more_at_most(tmp_path, reference, pdfs, server):
    """The attempt is recorded before DATA: a run killed there leaves the message in doubt."""
    ledger = Ledger(tmp_path / "deliveries.sqlite")
    letters = [x for x in letters_for(reference, pdfs, ranking()) if x.scope == "FES"]

    class Killed(SmtpTransport):
        def send(self, message, name, before_data=lambda: None):
            before_data()
            raise SystemExit("killed")  # what the ledger sees of a kill -9: nothing after before_data

    with pytest.raises(SystemExit):
        deliver_round(P, ledger, Killed(smtp(server).settings), letters, delays=NO_WAIT)
    assert ledger.entries(str(P))[0].status == "in_doubt"
    deliver_round(P, ledger, smtp(server), [], delays=NO_WAIT)
    deliver_round(P, ledger, smtp(server), [], delays=NO_WAIT)
    assert len(server.inbox.messages) == 1 and ledger.entries(str(P))[0].status == "sent"


def test_a_permanent_refusal_is_recorded_and_not_retried(tmp_path, reference, pdfs, server):
    ledger = Ledger(tmp_path / "deliveries.sqlite")
    server.inbox.refuse = {"dp.fes@aref-fm.example"}
    letters = letters_for(reference, pdfs, ranking())
    deliver_round(P, ledger, smtp(server), letters, delays=NO_WAIT)
    deliver_round(P, ledger, smtp(server), letters, delays=NO_WAIT)
    by_recipient = {e.recipient: e for e in ledger.entries(str(P))}
    refused = by_recipient.pop("dp.fes@aref-fm.example")
    assert refused.status == "refused" and refused.attempts == 1 and "550 5.1.1 no such user" in refused.last_error
    assert {e.status for e in by_recipient.values()} == {"sent"} and len(server.inbox.messages) == 3


def run_cli(*args, env=None):
    command = [sys.executable, "-m", "nashra.cli", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=300, env={**os.environ, **(env or {})})


def test_retry_refused_sends_again_once_the_address_is_fixed(tmp_path, reference, pdfs, server):
    ledger = Ledger(tmp_path / "state" / "deliveries.sqlite")
    server.inbox.refuse = {"dp.fes@aref-fm.example"}
    deliver_round(P, ledger, smtp(server), letters_for(reference, pdfs, ranking()), delays=NO_WAIT)
    folders = ["--period", str(P), "--state-dir", str(tmp_path / "state"), "--out-dir", str(tmp_path / "out")]
    plain = run_cli("deliver", "--channel", "smtp", *folders, env=server.env())
    assert plain.returncode == 1 and len(server.inbox.messages) == 3  # refused: not sent by itself
    server.inbox.refuse = set()
    fixed = run_cli("deliver", "--channel", "smtp", "--retry-refused", *folders, env=server.env())
    assert fixed.returncode == 0, fixed.stderr
    assert len(server.inbox.messages) == 4 and "1 refused message(s) to send again" in fixed.stderr


def test_a_held_week_is_sent_only_when_released(tmp_path, reference, pdfs):
    state, out = tmp_path / "state", tmp_path / "out"
    ledger = Ledger(state / "deliveries.sqlite")
    deliver_round(P, ledger, None, letters_for(reference, pdfs, ranking()), hold=True)
    assert {e.status for e in ledger.entries(str(P))} == {"held"}
    folders = ["--period", str(P), "--state-dir", str(state), "--out-dir", str(out)]
    listed = run_cli("deliveries", *folders[:4])
    assert listed.returncode == 0 and listed.stdout.count("held") == 4
    kept = run_cli("deliver", *folders)
    assert kept.returncode == 1 and not (out / str(P) / "outbox").exists() and "--release" in kept.stderr
    released = run_cli("deliver", "--release", *folders)
    assert released.returncode == 0, released.stderr
    assert len(list((out / str(P) / "outbox").glob("*.eml"))) == 4


def write_manifest(out, period: str, records: list[dict]) -> None:
    (out / period).mkdir(parents=True, exist_ok=True)
    (out / period / "manifest.json").write_text(json.dumps({"period": period, "deliveries": records}))


def test_an_emptied_ledger_stops_delivery_until_rebuilt_from_the_manifests(tmp_path, reference, pdfs):
    state, out = tmp_path / "state", tmp_path / "out"
    ledger = Ledger(state / "deliveries.sqlite")
    letters = letters_for(reference, pdfs, ranking())
    deliver_round(P, ledger, None, letters)
    deliver_round(P, ledger, OutboxTransport(out / "outbox"), [])
    write_manifest(out, str(P), delivery_records(ledger, P))
    (state / "deliveries.sqlite").write_bytes(b"")  # truncated to 0 bytes

    with pytest.raises(LedgerError, match="nashra ledger rebuild"):
        check_ledger(state / "deliveries.sqlite", out)
    result = run_cli("deliver", "--period", str(P), "--state-dir", str(state), "--out-dir", str(out))
    assert result.returncode == 2 and "is empty but the manifests of 2026-W47" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1

    rebuilt = run_cli("ledger", "rebuild", "--state-dir", str(state), "--out-dir", str(out))
    assert rebuilt.returncode == 0 and "4 delivery record(s) restored" in rebuilt.stdout
    again = Ledger(state / "deliveries.sqlite")
    assert deliver_round(P, again, None, letters) == [] and again.unsent(str(P)) == []  # nothing to send again
    assert {e.status for e in again.entries(str(P))} == {"sent"}


@pytest.mark.parametrize("backup_after_planning", [False, True])
def test_a_ledger_restored_from_an_older_backup_stops_delivery_until_rebuilt(
    tmp_path, reference, pdfs, backup_after_planning
):
    """Issue 24, item 6: W46 sent, the ledger copied, W47 sent, the copy put back. Without the
    reconciliation the next round sent W47's messages again. With a backup taken after W47 was
    planned (its rows pending), the rebuild must also mark them sent."""
    from tasks.delivery.letters import plan_letters

    state, out = tmp_path / "state", tmp_path / "out"
    path = state / "deliveries.sqlite"
    ledger = Ledger(path)
    week46 = Period.parse("2026-W46")
    earlier = [x for x in plan_letters(reference, pdfs, week46, ranking()) if x.scope in (REGION, "FES", "MEK")]
    deliver_round(week46, ledger, OutboxTransport(out / str(week46) / "outbox"), earlier)
    write_manifest(out, str(week46), delivery_records(ledger, week46))
    letters = letters_for(reference, pdfs, ranking())
    if backup_after_planning:
        deliver_round(P, ledger, None, letters)  # recorded, not sent
    backup = path.read_bytes()
    outbox = OutboxTransport(out / str(P) / "outbox")
    deliver_round(P, ledger, outbox, letters)
    write_manifest(out, str(P), delivery_records(ledger, P))
    written = {p: p.stat().st_mtime_ns for p in (out / str(P) / "outbox").glob("*.eml")}
    path.write_bytes(backup)  # restored from the older backup

    with pytest.raises(
        LedgerError, match=r"does not know 4 message\(s\) that the manifests of 2026-W47 record as sent"
    ):
        check_ledger(path, out)
    result = run_cli("deliver", "--period", str(P), "--state-dir", str(state), "--out-dir", str(out))
    assert result.returncode == 2 and "nashra ledger rebuild" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1

    rebuilt = run_cli("ledger", "rebuild", "--state-dir", str(state), "--out-dir", str(out))
    assert rebuilt.returncode == 0, rebuilt.stderr
    check_ledger(path, out)
    again = Ledger(path)
    assert deliver_round(P, again, outbox, letters) == [] and again.unsent(str(P)) == []
    assert {p: p.stat().st_mtime_ns for p in (out / str(P) / "outbox").glob("*.eml")} == written  # none again


def test_a_corrupted_ledger_is_refused_in_one_line_before_anything_is_written(tmp_path):
    state, out = tmp_path / "state", tmp_path / "out"
    Ledger(state / "deliveries.sqlite").add(an_entry(str(P)))
    data = (state / "deliveries.sqlite").read_bytes()
    (state / "deliveries.sqlite").write_bytes(b"garbage!" * 64 + data[512:])
    for args in (["deliveries", "--period", str(P)], ["run", "--period", str(P), "--out-dir", str(out)]):
        result = run_cli(*args, "--state-dir", str(state))
        assert result.returncode == 2, result.stderr
        assert "is not a readable delivery ledger" in result.stderr and "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
    assert not out.exists()


def test_a_line_break_in_a_recipient_name_is_refused_with_file_and_line(tmp_path):
    from shutil import copytree

    from nashra.paths import REFERENCE_DIR
    from nashra.reference import ReferenceError, load_reference

    copytree(REFERENCE_DIR, tmp_path, dirs_exist_ok=True)
    with (tmp_path / "recipients.csv").open("a", encoding="utf-8") as handle:
        handle.write('FES,"Directeur\r\nBcc: x@evil.example",autre@aref-fm.example\n')
    with pytest.raises(ReferenceError, match=r"recipients.csv:\d+: name holds the control or bidi character U\+000D"):
        load_reference(tmp_path)


def test_the_region_letter_lists_every_directorate_and_is_never_held_twice(tmp_path, reference, pdfs):
    """A held edition is found again by the next run: it is not entered twice."""
    ledger = Ledger(tmp_path / "deliveries.sqlite")
    letters = letters_for(reference, pdfs, ranking())
    deliver_round(P, ledger, None, letters, hold=True)
    deliver_round(P, ledger, None, letters, hold=True)
    assert len(ledger.entries(str(P))) == 4
    assert any(e.scope == REGION for e in ledger.entries(str(P)))
