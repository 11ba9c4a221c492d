"""Input text is data, never markup: nothing is fetched, attached or evaluated (SPEC §6)."""

import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from pypdf import PdfReader

from nashra.periods import Period
from tasks.bulletins.context import RunView
from tasks.bulletins.layout import ProjectFilesFetcher, html_to_pdf
from tasks.bulletins.pages import bulletin_html
from tasks.evaluation.period import evaluate_period
from tasks.evaluation.ranking import ranking_frame
from tasks.intake.discover import scan_folders
from tasks.outputs.manifest import input_records
from tests.conftest import EXAM_HEADER, LEDGER_HEADER, write_csv

P = Period.parse("2026-W47")


@pytest.fixture
def trap():
    """A web server on loopback that counts the requests it gets."""
    hits = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}", hits
    server.shutdown()


def test_hostile_text_in_the_files_is_shown_as_text(tmp_path, reference, trap):
    url, hits = trap
    hostile_school = f'<img src="{url}/school.png"> {{{{ 7*7 }}}}'
    exam_header = ["candidate_id", "establishment", *EXAM_HEADER[2:]]
    write_csv(
        tmp_path / "2026-W47" / "FES" / "exam_results.csv",
        [exam_header, ["1234567", hostile_school, "MO-200", "27/09/2026", "850", "oui", "VCH000001"]],
    )
    write_csv(
        tmp_path / "2026-W47" / "FES" / "voucher_ledger.csv",
        [
            LEDGER_HEADER,
            ["VCH000001", "01/09/2026", "31/12/2026", "consommé", "27/09/2026", "1234567"],
            ["VCH000002", "01/09/2026", "01/12/2026", "attribué", "", "1234567"],
        ],
    )
    write_csv(
        tmp_path / "2026-W47" / "HAJ" / "exam_results.csv",
        [["PPR", "Code examen", "<link rel=attachment href=file:///etc/passwd>", f"<img src={url}/h.png>"], ["1"]],
    )
    current = evaluate_period(reference, P, scan_folders(tmp_path, P, reference.codes))
    ranking = ranking_frame(current.table, current.table, reference, str(P))
    view = RunView(
        reference,
        current,
        ranking,
        [(P, current.table)],
        current.findings,
        input_records(current, tmp_path),
        "abc",
        "test",
    )

    for scope in ("FES", "HAJ", "REGION"):
        html = bulletin_html(view, scope)
        assert "<img src=" not in html and "<link rel=attachment" not in html
        pdf = html_to_pdf(html)
        assert b"/EmbeddedFile" not in pdf and b"root:" not in pdf
        (tmp_path / f"{scope}.pdf").write_bytes(pdf)
    fes = "".join(p.extract_text() for p in PdfReader(tmp_path / "FES.pdf").pages)
    assert "{{ 7*7 }}" in fes and "school.png" in fes  # shown, not evaluated nor fetched
    haj = "".join(p.extract_text() for p in PdfReader(tmp_path / "HAJ.pdf").pages)
    assert "etc/passwd" in haj and "rejeté" in haj
    assert hits == []


@pytest.mark.parametrize(
    "url",
    ["file:///etc/passwd", "http://127.0.0.1:9/x.css", "https://example.org/font.ttf", "file:///work/../etc/hostname"],
)
def test_the_fetcher_serves_nothing_outside_the_templates(url):
    with pytest.raises(ValueError, match="refused"):
        ProjectFilesFetcher().fetch(url)


def test_the_fetcher_refuses_a_symlink_that_escapes(tmp_path):
    root = tmp_path / "templates"
    root.mkdir()
    (root / "escape.css").symlink_to("/etc/passwd")
    with pytest.raises(ValueError, match="refused"):
        ProjectFilesFetcher(root).fetch((root / "escape.css").as_uri())
    (root / "ok.css").write_text("p { color: red }")
    assert ProjectFilesFetcher(root).fetch((root / "ok.css").as_uri()).read() == b"p { color: red }"
