"""Message headers within RFC 5322 (issue 24, item 4): the longest names the reference check lets
through still give lines of at most 998 characters, and read back as they were written."""

import email
import email.header

import pytest

from nashra.reference import NAME_LIMIT
from tasks.delivery.ledger import Entry
from tasks.delivery.rounds import compose


def entry(name: str, subject: str) -> Entry:
    return Entry(
        period="2026-W47", kind="directorate", scope="FES", recipient="d@aref.ma", name=name,
        edition_key="k", edition=1, bulletin="", sha256="", snapshot="", subject=subject, body="Bonjour",
        attachments="[]", status="pending", attempts=0, last_error=None, note=None,
        message_id="<x@nashra.aref-fm>", channel=None, created_at="", updated_at="",
    )  # fmt: skip


@pytest.mark.parametrize(
    "name",
    [
        "A" * NAME_LIMIT,  # no space to fold at
        ("Directeur provincial " * 20)[:NAME_LIMIT],
        "السيد المدير الإقليمي لوزارة التربية الوطنية والتعليم الأولي والرياضة بفاس",
        "Monsieur le Directeur provincial du ministère de l’Éducation nationale, du Préscolaire et des Sports",
    ],
)
def test_the_longest_names_give_header_lines_within_998(name):
    subject = f"نشرة التكوينات الإشهادية MOS — 2026-W47 | Bulletin MOS 2026-W47 — {name}"  # as letters.py writes it
    message, _ = compose(entry(name, subject), "nashra@aref.ma", budget=10**6)
    data = message.as_bytes()
    assert max(len(line) for line in data.split(b"\n")) <= 998
    parsed = email.message_from_bytes(data)  # decoded as RFC 2047 says, as mail clients do (Python's
    # newer header parser inserts spaces into long Arabic encoded words it reads back: not ours)
    assert decoded(parsed["To"]).strip() == f"{name} <d@aref.ma>" and decoded(parsed["Subject"]) == subject


def decoded(value: str) -> str:
    return str(email.header.make_header(email.header.decode_header(value.replace("\n", ""))))
