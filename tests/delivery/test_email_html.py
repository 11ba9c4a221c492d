"""The e-mail shows the headline without opening the PDF (issue 11): an HTML alternative (the
plain text kept), Arabic first right to left then French, nothing fetched from outside; the
academy's time zone, Auto-Submitted and Reply-To; the HTML checked as chromium renders it."""

import shutil
import sqlite3
from email import message_from_bytes, policy

import pytest

from devtools.previews import html_of_message, screenshot
from nashra.paths import PROJECT_ROOT, RunPaths
from nashra.periods import Period
from tasks.delivery.ledger import Ledger
from tasks.delivery.letters import plan_letters
from tasks.delivery.rounds import deliver_round
from tasks.delivery.transport import transport_for
from tasks.evaluation.history import evaluate_with_history
from tasks.evaluation.ranking import ranking_frame
from tasks.intake.discover import scan_folders

P = Period.parse("2026-W47")
GREEN = (11, 93, 59)  # the titles' colour


@pytest.fixture(scope="module")
def outbox(tmp_path_factory, reference, pdfs):
    out = tmp_path_factory.mktemp("mail")
    paths = RunPaths(PROJECT_ROOT / "data" / "raw", PROJECT_ROOT / "data" / "reference", out, out / "state")
    folders = scan_folders(paths.raw_dir, P, reference.codes)
    current, history = evaluate_with_history(paths, reference, P, folders, store=False)
    ranking = ranking_frame(current.table, history[P.previous()], reference, str(P))
    letters = plan_letters(reference, pdfs, P, ranking)
    deliver_round(P, Ledger(out / "ledger.sqlite"), transport_for("outbox", None, out / "outbox"), letters)
    return out / "outbox"


def message(outbox, scope):
    [path] = sorted(outbox.glob(f"bulletin_{scope}*.eml"))[:1]
    return message_from_bytes(path.read_bytes(), policy=policy.default), path


def test_a_director_s_message_has_the_headline_in_html_and_keeps_the_plain_text(outbox):
    mail, _ = message(outbox, "FES")
    parts = [part.get_content_type() for part in mail.walk()]
    assert parts[:4] == ["multipart/mixed", "multipart/alternative", "text/plain", "text/html"]
    html = mail.get_body(("html",)).get_content()
    assert 'lang="ar" dir="rtl"' in html and 'lang="fr" dir="ltr"' in html
    assert html.index('lang="ar" dir="rtl"') < html.index('lang="fr" dir="ltr"')  # Arabic first
    for words in ("الرتبة", "Rang", "المؤشر التركيبي", "Taux de certification", "Fichiers de la semaine", "reçues"):
        assert words in html
    assert "<img" not in html and "<link" not in html and "<script" not in html and "http" not in html


def test_the_region_gets_the_ranking_table(outbox):
    html = message(outbox, "REGION_crsi")[0].get_body(("html",)).get_content()
    assert html.count("<tr>") >= 2 * 10  # a header and nine directorates, in each language
    assert html.index("Ifrane") < html.index("Boulemane")  # in rank order


def test_date_in_the_academy_s_time_auto_submitted_and_reply_to_the_center(outbox, reference):
    mail, _ = message(outbox, "FES")
    assert mail["Date"].endswith(("+0100", "+0000"))  # Africa/Casablanca, never -0000
    assert mail["Auto-Submitted"] == "auto-generated"
    assert mail["Reply-To"] == reference.programme["center_email"] == "crsi@aref-fm.example"


def test_a_ledger_from_before_the_html_part_opens_and_takes_new_messages(tmp_path):
    path = tmp_path / "deliveries.sqlite"
    with sqlite3.connect(path) as db:  # the columns of the first ledgers
        db.execute(
            "CREATE TABLE deliveries (period TEXT NOT NULL, kind TEXT NOT NULL, scope TEXT NOT NULL, "
            "recipient TEXT NOT NULL, name TEXT NOT NULL, edition_key TEXT NOT NULL, edition INTEGER NOT NULL, "
            "bulletin TEXT NOT NULL, sha256 TEXT NOT NULL, snapshot TEXT NOT NULL, subject TEXT NOT NULL, "
            "body TEXT NOT NULL, attachments TEXT NOT NULL, status TEXT NOT NULL, attempts INTEGER NOT NULL "
            "DEFAULT 0, last_error TEXT, note TEXT, message_id TEXT NOT NULL, channel TEXT, created_at TEXT NOT "
            "NULL, updated_at TEXT NOT NULL, PRIMARY KEY (period, kind, recipient, edition_key))"
        )
    Ledger(path)
    with sqlite3.connect(path) as db:
        columns = {row[1] for row in db.execute("PRAGMA table_info(deliveries)")}
    assert {"html", "reply_to"} <= columns


@pytest.mark.skipif(
    shutil.which("chromium") is None, reason="Debian's chromium is not installed (make system-packages)"
)
def test_in_chromium_the_arabic_reads_right_to_left_above_the_french(outbox, tmp_path):
    from PIL import Image

    _, eml = message(outbox, "FES")
    page = tmp_path / "fes.html"
    page.write_text(html_of_message(eml), encoding="utf-8")
    image = Image.open(screenshot(page, tmp_path / "fes.png")).convert("RGB")
    width, height = image.size
    pixels = image.load()
    titles = []  # (top, left, right) of each run of rows holding the titles' green
    for y in range(height):
        xs = [x for x in range(width) if all(abs(a - b) < 30 for a, b in zip(pixels[x, y], GREEN, strict=True))]
        xs = xs if len(xs) >= 3 else []  # the titles' strokes, not a stray pixel of antialiasing
        if xs and (not titles or y - titles[-1][3] > 12):  # a title is one line
            titles.append([y, min(xs), max(xs), y])
        elif xs:
            titles[-1][1:] = [min(titles[-1][1], min(xs)), max(titles[-1][2], max(xs)), y]
    assert len(titles) == 2, titles
    arabic, french = titles
    assert arabic[0] < french[0]  # Arabic above
    assert arabic[2] > width - 40 and arabic[1] > width / 3  # Arabic set against the right edge
    assert french[1] < 40 and french[2] < 2 * width / 3  # French against the left edge
