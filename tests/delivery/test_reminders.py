"""Reminders before the bulletins (issue 14), through real Prefect runs of the reminders' flow and
a real SMTP server on loopback: who is reminded and in which words, exactly once; nobody once the
files are in (a reminder the server refused is withdrawn, not sent late); the dry run writes
nothing; the schedules' times are programme.csv's."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from nashra.paths import PROJECT_ROOT, RAW_DIR, REFERENCE_DIR
from nashra.reference import ReferenceError, load_reference
from tasks.delivery.ledger import REFUSED, SUPERSEDED, Ledger
from tests.flows.test_flow_e2e import tree_digest
from tests.smtp_server import SmtpServer

pytestmark = pytest.mark.e2e
PERIOD = "2026-W47"  # in the sample: BOU sent no voucher ledger, TAO's exam results are refused
BOU, TAO = "dp.boulemane@aref-fm.example", "dp.taounate@aref-fm.example"
REGIONAL = {"crsi@aref-fm.example", "directeur@aref-fm.example"}


@pytest.fixture
def server(monkeypatch):
    smtp = SmtpServer().start()
    for name, value in smtp.env().items():
        monkeypatch.setenv(name, value)
    yield smtp
    smtp.stop()


@pytest.fixture
def week(tmp_path) -> Path:
    """A copy of the sample's drops, to complete during a test."""
    shutil.copytree(RAW_DIR, tmp_path / "raw")
    return tmp_path


def remind(week: Path, **options):
    from flows.reminders import weekly_reminders

    folders = {name: str(week / name) for name in ("raw", "out", "state")}
    state = weekly_reminders(
        period=PERIOD,
        raw_dir=folders["raw"],
        out_dir=folders["out"],
        state_dir=folders["state"],
        return_state=True,
        **{"deliver": "smtp", **options},
    )
    return state, state.result(raise_on_failure=False)


def sent_to(server: SmtpServer) -> list[str]:
    return sorted(address for envelope in server.inbox.envelopes for address in envelope.rcpt_tos)


def body_to(server: SmtpServer, address: str) -> str:
    [message] = [m for m, e in zip(server.inbox.messages, server.inbox.envelopes, strict=True) if address in e.rcpt_tos]
    return message.get_body(("plain",)).get_content()


def test_who_has_not_sent_is_reminded_once_with_what_is_missing_or_refused(server, week):
    state, summary = remind(week)
    assert state.is_completed(), state.message
    assert summary.waiting == {"BOU": ["voucher_ledger missing"], "TAO": ["exam_results rejected"]}
    assert sent_to(server) == sorted([BOU, TAO, *REGIONAL])
    bou, tao = body_to(server, BOU), body_to(server, TAO)
    assert "Registre des vouchers : aucun fichier reçu" in bou and "سجل القسيمات: لم يصل أي ملف" in bou
    assert "Résultats d'examens : fichier refusé" in tao and "Colonnes non reconnues, ignorées : Score final" in tao
    for body in (bou, tao):
        assert "lundi à 07:00" in body and "الإثنين على الساعة 07:00" in body
        assert "Dernier fichier accepté : semaine 2026-W46" in body
    assert "nashra check FICHIER --directorate TAO --period 2026-W47" in tao
    roll_call = body_to(server, "crsi@aref-fm.example")
    assert "7 directions sur 9" in roll_call and "aucun fichier reçu" in roll_call
    state, summary = remind(week)  # the next reminder time: the same reminders are not sent again
    assert state.is_completed() and summary.written == [] and len(server.inbox.messages) == 4


def test_files_that_arrive_end_the_reminders_and_a_refused_one_is_not_sent_late(server, week):
    server.inbox.refuse = {TAO}  # the server refuses TAO's address this time
    state, _ = remind(week)
    assert state.is_failed() and "dp.taounate" in state.message  # an unsent reminder is the run's failure
    for code, source in (("BOU", "voucher_ledger"), ("TAO", "exam_results")):  # both send a good file
        for old in (week / "raw" / PERIOD / code).glob(f"{source}.*"):
            old.unlink()
        shutil.copy(RAW_DIR / "2026-W46" / code / f"{source}.csv", week / "raw" / PERIOD / code)
    server.inbox.refuse = set()
    before = len(server.inbox.messages)
    state, summary = remind(week)
    assert state.is_completed() and summary.waiting == {} and summary.written == []
    assert len(server.inbox.messages) == before  # nobody once every file is in, not even the regional table
    statuses = {e.recipient: e.status for e in Ledger(week / "state" / "deliveries.sqlite").entries(PERIOD)}
    assert statuses[TAO] == SUPERSEDED and REFUSED not in statuses.values()


def test_the_dry_run_lists_who_would_be_written_to_and_writes_nothing(server, week):
    before = tree_digest(week)
    state, summary = remind(week, dry_run=True)
    assert state.is_completed() and summary.dry_run
    assert sorted(line.split()[2] for line in summary.written) == sorted([BOU, TAO, *REGIONAL])
    assert tree_digest(week) == before and server.inbox.messages == []


def test_the_schedules_are_programme_csv_s_times_in_casablanca():
    from flows.schedule import served_deployments

    reference = load_reference(REFERENCE_DIR)
    served = {d.name: d.schedules[0].schedule for d in served_deployments()}
    assert served["served-reminders"].cron == "0 6 * * 1" == reference.reminders_time.cron
    assert served["served"].cron == "0 7 * * 1" == reference.bulletins_time.cron
    assert {s.timezone for s in served.values()} == {"Africa/Casablanca"}
    declared = yaml.safe_load((PROJECT_ROOT / "prefect.yaml").read_text(encoding="utf-8"))
    crons = {d["name"]: d["schedules"][0] for d in declared["deployments"] if d.get("schedules")}
    assert crons["reminders"] == {
        "cron": reference.reminders_time.cron,
        "timezone": "Africa/Casablanca",
        "active": True,
    }
    assert crons["weekly"]["cron"] == crons["national"]["cron"] == reference.bulletins_time.cron


def test_a_reminder_time_is_read_and_a_typo_in_it_refused(tmp_path):
    folder = shutil.copytree(REFERENCE_DIR, tmp_path / "reference")
    programme = folder / "programme.csv"
    text = programme.read_text(encoding="utf-8").replace("reminders_time,Monday 06:00", "reminders_time,Friday 16:30")
    programme.write_text(text, encoding="utf-8")
    assert load_reference(folder).reminders_time.cron == "30 16 * * 5"
    programme.write_text(text.replace("Friday 16:30", "Fridy 16:30"), encoding="utf-8")
    with pytest.raises(ReferenceError, match="reminders_time 'Fridy 16:30' is not a day and time"):
        load_reference(folder)


@pytest.mark.parametrize(
    "period, last",
    [("2026-W48", "Dernier fichier accepté : semaine 2026-W47"), ("2026-W41", "Dernier fichier accepté : aucun.")],
    ids=["a week where nothing arrived", "the first week of the programme"],
)
def test_an_empty_week_reminds_everyone_with_their_last_accepted_file(week, period, last):
    from email import message_from_bytes, policy

    from flows.reminders import weekly_reminders

    folders = {f"{name}_dir": str(week / name) for name in ("raw", "out", "state")}
    state = weekly_reminders(period=period, deliver="outbox", return_state=True, **folders)
    assert state.is_completed(), state.message
    outbox = week / "out" / period / "outbox"
    assert len(list(outbox.glob("reminder_*.eml"))) == 9 + len(REGIONAL)  # every director, and the roll call
    fes = message_from_bytes(next(outbox.glob("reminder_FES_*.eml")).read_bytes(), policy=policy.default)
    body = fes.get_body(("plain",)).get_content()
    assert f"semaine {period}" in body and "Résultats d'examens : aucun fichier reçu" in body and last in body
