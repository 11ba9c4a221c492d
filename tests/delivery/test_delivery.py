"""Issue 5: delivery through a real SMTP server on loopback, recorded in the SQLite ledger."""

from __future__ import annotations

import hashlib
import logging
import threading

import pandas as pd
import pytest

from nashra.periods import Period
from nashra.reference import REGION
from nashra.settings import DeliverySettings
from tasks.delivery.ledger import Ledger
from tasks.delivery.letters import plan_letters
from tasks.delivery.rounds import deliver_round
from tasks.delivery.transport import OutboxTransport, SmtpTransport
from tasks.evaluation.figures import FIGURES
from tests.smtp_server import PASSWORD, SmtpServer

P = Period.parse("2026-W47")
NO_WAIT = (0.0, 0.0)


def letters_for(reference, pdfs, figures):
    """The letters of the regional recipients and of the FES and MEK directors."""
    return [x for x in plan_letters(reference, pdfs, P, figures) if x.scope in (REGION, "FES", "MEK")]


def ranking(fes_score: float = 60.0) -> pd.DataFrame:
    rows = []
    for code, rank, score in (("FES", 1, fes_score), ("MEK", 2, 50.0)):
        row = {name: 0.5 for name in FIGURES} | {"score": score}
        rows.append(
            {
                "directorate_code": code,
                "rank": rank,
                "rank_change": 0,
                "data_status": "received",
                "provisional": None,
                **row,
            }
        )
    return pd.DataFrame(rows)


@pytest.fixture
def server():
    smtp = SmtpServer().start()
    yield smtp
    smtp.stop()


def smtp_transport(smtp: SmtpServer) -> SmtpTransport:
    return SmtpTransport(DeliverySettings.for_channel("smtp", smtp.env()).smtp)


def test_messages_reach_the_server_with_their_attachments(tmp_path, reference, pdfs, server):
    ledger = Ledger(tmp_path / "deliveries.sqlite")
    letters = letters_for(reference, pdfs, ranking())
    tried = deliver_round(P, ledger, smtp_transport(server), letters, delays=NO_WAIT)
    assert len(tried) == len(letters) == 4  # two regional recipients, the directors of FES and MEK
    received = {m["To"].addresses[0].addr_spec: m for m in server.inbox.messages}
    assert set(received) == {
        "crsi@aref-fm.example",
        "directeur@aref-fm.example",
        "dp.fes@aref-fm.example",
        "dp.meknes@aref-fm.example",
    }
    fes = received["dp.fes@aref-fm.example"]
    assert "نشرة" in fes["Subject"] and "Bulletin MOS" in fes["Subject"]
    attached = {p.get_filename(): p.get_content() for p in fes.iter_attachments()}
    assert {name: hashlib.sha256(data).hexdigest() for name, data in attached.items()} == {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in (pdfs["FES"], pdfs[REGION])
    }
    entry = next(e for e in ledger.entries(str(P)) if e.recipient == "dp.fes@aref-fm.example")
    assert entry.status == "sent" and entry.message_id == fes["Message-ID"] and entry.channel == "smtp"


def test_server_down_then_up_sends_exactly_what_is_pending(tmp_path, reference, pdfs):
    down = SmtpServer()  # not started: the port refuses connections
    ledger = Ledger(tmp_path / "deliveries.sqlite")
    letters = letters_for(reference, pdfs, ranking())
    deliver_round(P, ledger, smtp_transport(down), letters, delays=NO_WAIT)
    entries = ledger.entries(str(P))
    assert {e.status for e in entries} == {"failed"} and all("cannot reach" in e.last_error for e in entries)

    up = SmtpServer(down.port).start()
    try:
        again = deliver_round(P, ledger, smtp_transport(up), [], delays=NO_WAIT)
        assert len(again) == 4 and len(up.inbox.messages) == 4
        assert {e.status for e in ledger.entries(str(P))} == {"sent"}
        assert deliver_round(P, ledger, smtp_transport(up), letters, delays=NO_WAIT) == []
        assert len(up.inbox.messages) == 4  # the third round sends nothing
    finally:
        up.stop()


def test_one_changed_figure_sends_a_corrected_edition_to_that_directorate_and_the_region(
    tmp_path, reference, pdfs, server
):
    ledger = Ledger(tmp_path / "deliveries.sqlite")
    deliver_round(P, ledger, smtp_transport(server), letters_for(reference, pdfs, ranking()), delays=NO_WAIT)
    server.inbox.messages.clear()
    deliver_round(P, ledger, smtp_transport(server), letters_for(reference, pdfs, ranking()), delays=NO_WAIT)
    assert server.inbox.messages == []  # unchanged: nothing sent

    deliver_round(P, ledger, smtp_transport(server), letters_for(reference, pdfs, ranking(61.25)), delays=NO_WAIT)
    received = {m["To"].addresses[0].addr_spec: m for m in server.inbox.messages}
    assert set(received) == {"crsi@aref-fm.example", "directeur@aref-fm.example", "dp.fes@aref-fm.example"}
    corrected = received["dp.fes@aref-fm.example"]
    assert "Édition corrigée" in corrected["Subject"] and "نسخة مصححة" in corrected["Subject"]
    assert "FES score : 60.0 -> 61.25" in corrected.get_body(("plain",)).get_content()
    assert corrected["X-Nashra-Edition"] == "2"


def test_an_oversize_message_goes_without_its_attachment_and_says_where_it_is(tmp_path, reference, pdfs, server):
    ledger = Ledger(tmp_path / "deliveries.sqlite")
    letters = [letter for letter in letters_for(reference, pdfs, ranking()) if letter.scope == "FES"]
    deliver_round(P, ledger, smtp_transport(server), letters, budget=2_000, delays=NO_WAIT)
    [message] = server.inbox.messages
    assert list(message.iter_attachments()) == []
    assert str(pdfs["FES"]) in message.get_body(("plain",)).get_content()
    [entry] = ledger.entries(str(P))
    assert entry.status == "sent" and "sent without" in entry.note


def test_the_password_is_never_in_logs_or_the_ledger(tmp_path, reference, pdfs, server, caplog):
    caplog.set_level(logging.DEBUG)
    ledger = Ledger(tmp_path / "deliveries.sqlite")
    letters = letters_for(reference, pdfs, ranking())
    deliver_round(P, ledger, smtp_transport(server), letters, delays=NO_WAIT)
    wrong = SmtpTransport(
        DeliverySettings.for_channel("smtp", server.env(NASHRA_SMTP_PASSWORD="nope-" + PASSWORD)).smtp
    )
    deliver_round(P, ledger, wrong, letters_for(reference, pdfs, ranking(70.0)), delays=NO_WAIT)
    failed = [e for e in ledger.entries(str(P)) if e.status == "failed"]
    assert failed and all("127.0.0.1" in e.last_error for e in failed)  # login refused or connection dropped
    assert PASSWORD not in caplog.text
    assert PASSWORD.encode() not in (tmp_path / "deliveries.sqlite").read_bytes()
    assert PASSWORD not in repr(DeliverySettings.for_channel("smtp", server.env()))


def test_two_concurrent_rounds_send_each_message_once(tmp_path, reference, pdfs):
    ledger_path = tmp_path / "deliveries.sqlite"
    sent = []

    class Counting(OutboxTransport):
        def send(self, message, name, before_data=lambda: None):
            sent.append(message["Message-ID"])
            super().send(message, name, before_data)

    letters = letters_for(reference, pdfs, ranking())
    rounds = [
        threading.Thread(target=deliver_round, args=(P, Ledger(ledger_path), Counting(tmp_path / "outbox"), letters))
        for _ in range(2)
    ]
    for thread in rounds:
        thread.start()
    for thread in rounds:
        thread.join()
    assert len(sent) == len(set(sent)) == 4


def test_the_weekly_deployment_runs_monday_7am_casablanca_for_the_week_just_ended():
    from flows.schedule import served_deployments

    deployment = served_deployments()[0]
    [schedule] = deployment.schedules
    assert schedule.schedule.cron == "0 7 * * 1" and schedule.schedule.timezone == "Africa/Casablanca"
    assert deployment.parameters == {"period": None, "deliver": "auto"}
    assert deployment.name == "served"  # prefect.yaml's work-pool deployment is `weekly`: never the same
