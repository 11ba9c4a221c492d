"""Each language in its own block, codes never broken (issue 11), read from the real PDFs of the
committed sample's week as `pdftotext` lays them out."""

import re
import subprocess

import pytest

from nashra.paths import PROJECT_ROOT, RunPaths
from nashra.periods import Period
from nashra.reference import REGION, load_reference
from tasks.bulletins.context import RunView
from tasks.bulletins.layout import html_to_pdf
from tasks.bulletins.pages import bulletin_html
from tasks.evaluation.history import evaluate_with_history
from tasks.evaluation.moves import ranked_counts, standing
from tasks.evaluation.ranking import ranking_frame
from tasks.intake.discover import scan_folders

P = Period.parse("2026-W47")
ARABIC = re.compile(r"[\u0600-\u06ff\ufb50-\ufefc]")
SPLIT_TOKEN = re.compile(r"\b2026-(?!W\d\d)|\bMO-(?!\d)|\d\d/\d\d/(?!\d{4})")


@pytest.fixture(scope="module")
def view(tmp_path_factory):
    """The sample's 2026-W47 as the bulletins see it."""
    out = tmp_path_factory.mktemp("bidi")
    paths = RunPaths(PROJECT_ROOT / "data" / "raw", PROJECT_ROOT / "data" / "reference", out, out / "state")
    reference = load_reference(paths.reference_dir)
    folders = scan_folders(paths.raw_dir, P, reference.codes)
    current, history = evaluate_with_history(paths, reference, P, folders, store=False)
    ranking = ranking_frame(current.table, history[P.previous()], reference, str(P))
    return RunView.of(reference, current, ranking, history=history, register=[], raw_dir=paths.raw_dir)


@pytest.fixture(scope="module")
def text(view, tmp_path_factory):
    """scope -> the text of its bulletin for the sample's 2026-W47 (regional, the first-ranked
    Ifrane, Fès, and Boulemane and Taounate whose files were carried)."""
    out = tmp_path_factory.mktemp("bidi-pdf")
    texts = {}
    for scope in (REGION, "IFR", "FES", "BOU", "TAO"):
        pdf = out / f"{scope}.pdf"
        pdf.write_bytes(html_to_pdf(bulletin_html(view, scope)))
        texts[scope] = subprocess.run(["pdftotext", "-layout", pdf, "-"], capture_output=True, text=True).stdout
    return texts


def test_the_french_note_under_the_key_figures_is_a_line_of_its_own(text):
    [line] = [line for line in text[REGION].splitlines() if "Total des" in line]
    assert not ARABIC.search(line), line
    assert "27,2 %" in line and "30/06/2027" in line


def test_periods_codes_and_dates_are_never_broken_across_lines(text):
    for scope, page in text.items():
        broken = [line.strip() for line in page.splitlines() if SPLIT_TOKEN.search(line)]
        assert broken == [], scope


def test_a_rejected_file_in_the_regional_quality_table_reads_whole_in_each_language(text):
    lines = text[REGION].splitlines()
    assert any("fichier rejeté 2026-W47" in line and not ARABIC.search(line) for line in lines)
    assert any("ملف مرفوض" in line and "2026-W47" in line and "fichier" not in line for line in lines)


def test_a_carried_directorate_s_status_reads_in_each_language_on_its_own_line(text):
    """Issue 26, item 5: the regional ranking's data-status cell of TAO and BOU (carried from
    2026-W46) read `2026-W46 reportées مرحلة` on one line; each language has its line now."""
    lines = text[REGION].splitlines()
    assert sum("reportées 2026-W46" in line for line in lines) >= 2  # TAO and BOU
    assert any("مرحلة" in line and "2026-W46" in line and "reportées" not in line for line in lines)
    assert not any("2026-W46 reportées" in line for line in lines)


def test_this_week_s_figures_of_a_carried_file_say_not_received_instead_of_0(text):
    """Issue 26, item 5: TAO's exam file is carried from 2026-W46 (this week's was refused), BOU's
    voucher ledger too (none sent): their figures of this week read « non reçu cette semaine »,
    not a 0 that says nothing happened — in the table and, for exams, under this week's bar."""
    said = "non reçu cette semaine", "لم يتوصل به"  # pdftotext spells the lam-alef of الأسبوع apart
    flat = {scope: " ".join(page.split()) for scope, page in text.items()}  # a narrow cell wraps
    assert [flat["TAO"].count(words) for words in said] == [3, 3]  # exams taken, passed; this week's bar
    assert [flat["BOU"].count(words) for words in said] == [1, 1]  # vouchers consumed this week
    assert not any(words in flat[REGION] for words in said)


def test_the_action_box_says_what_moves_the_directorate_up_in_each_language(text, view):
    """Issue 26, item 3: the moves are the ranking rule's own (moves.standing), each language on its line."""
    s = standing(ranked_counts(view.current.table), "FES")
    vouchers, candidates = (m.count for m in s.moves)
    page = " ".join(text["FES"].split())
    assert f"Pour monter d'un rang : {vouchers} vouchers de plus consommés, ou {candidates} candidats de plus" in page
    assert f"{s.gap:.2f} points vous séparent du rang {s.rank - 1}" in page  # 2.90: plural
    assert f"Score {s.score:.2f} = taux de consommation" in page
    arabic = [line for line in text["FES"].splitlines() if "برتبة" in line]  # pdftotext splits lam-alef
    assert arabic and all("vouchers" not in line for line in arabic)
    first = standing(ranked_counts(view.current.table), "IFR")
    assert f"En tête : {first.margin:.2f} point d'avance sur le deuxième" in " ".join(text["IFR"].split())


def test_the_directorate_bulletin_has_its_establishments_and_no_candidate_name(text, view):
    """Issue 26, item 4: FES's exam file names its establishments; the table lists them."""
    page = " ".join(text["FES"].split())
    assert "Résultats par établissement" in page and "Lycée Ibn Rochd" in page
    names = view.current.directorates["FES"].sources["exam_results"].rows["candidate_name"].dropna()
    assert len(names) and not [name for name in names if name in page]
