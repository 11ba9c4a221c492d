"""The national sample with today's weekly run, unchanged: an academy of `data/national` runs on
its own reference folder and its generated drops; the roll-up over real rankings.csv files gives
national totals equal to the sums of the academies'; the national bulletin shows them and goes to
the national recipients once per edition."""

import html
from email import message_from_bytes, policy

import pytest

from devtools.national_sample import write_national_sample
from nashra.academies import load_nation
from nashra.paths import NATIONAL_DIR, RunPaths
from nashra.periods import Period
from tasks.bulletins.layout import html_to_pdf
from tasks.bulletins.pages import write_bulletin
from tasks.delivery.ledger import SENT, Ledger
from tasks.delivery.rounds import deliver_round
from tasks.delivery.transport import OutboxTransport
from tasks.evaluation.figures import COUNTS
from tasks.national.bulletin import national_context, national_html, table_fingerprint
from tasks.national.letters import plan_national_letters
from tasks.national.rollup import national_paths, national_table, read_rankings, roll_up
from tests.flows.test_flow_e2e import pdf_text
from tests.national.academy_run import PERIOD, run_academy

pytestmark = pytest.mark.e2e
WEEK = Period.parse(PERIOD)


@pytest.fixture(scope="module")
def rolled_up(tmp_path_factory):
    """GON and DOD run as `nashra run` runs them, then the roll-up: (nation, paths, rankings, table)."""
    folder = tmp_path_factory.mktemp("national")
    nation = load_nation(NATIONAL_DIR)
    national = RunPaths(
        raw_dir=folder / "raw", reference_dir=NATIONAL_DIR, out_dir=folder / "reports", state_dir=folder / "state"
    )
    assert write_national_sample(national.raw_dir, exam_rows=60, weeks=1, only=["DOD", "GON"]) == ["GON", "DOD"]
    rankings = {}
    for code in ("GON", "DOD"):
        paths = nation.academies[code].paths(national)
        run_academy(paths)
        rankings[code] = read_rankings(paths.rankings(PERIOD))
    table = roll_up(nation, national, WEEK, completed=["GON", "DOD"])
    return nation, national, rankings, table


def test_two_academies_run_unchanged_and_the_roll_up_adds_them_up(rolled_up):
    nation, national, rankings, table = rolled_up
    assert sorted(rankings["DOD"]["directorate_code"]) == ["AOU", "ODD"]
    written = national_table(national, PERIOD).read_text(encoding="utf-8-sig").splitlines()
    assert len(written) == 1 + 12 + 6 and written[1].startswith(f"{PERIOD},academy,1,,")  # no week before
    academies = table[table["level"] == "academy"].set_index("code")
    directorates = table[table["level"] == "directorate"]
    assert set(directorates["code"]) == {"GLM", "ASZ", "TNT", "SIF", "AOU", "ODD"}
    assert directorates["rank"].tolist() == [1, 2, 3, 4, 5, 6]
    for code in ("GON", "DOD"):
        own = rankings[code]
        assert {c: academies.loc[code, c] for c in COUNTS} == {c: own[c].sum() for c in COUNTS}
    assert academies["rank"].notna().sum() == 2 and (academies["data_status"] == "missing").sum() == 10


@pytest.fixture(scope="module")
def bulletin(rolled_up):
    nation, national, _, table = rolled_up
    fingerprint = table_fingerprint(national_table(national, PERIOD).read_bytes())
    filled = national_html(national_context(nation, table, WEEK, fingerprint=fingerprint))
    return write_bulletin(national_paths(national).bulletins(PERIOD), "NATIONAL", PERIOD, html_to_pdf(filled))


def test_the_national_bulletin_shows_the_academies_and_directorates_ranked(rolled_up, bulletin):
    nation, _, _, table = rolled_up
    assert bulletin.name == f"bulletin_national_{PERIOD}.pdf"
    text = pdf_text(bulletin)
    assert "Bulletin national hebdomadaire" in text and "Classement des académies" in text
    assert "Direction des Systèmes d'Information" in text  # the national header, not an academy's
    assert nation.programme["ministry_fr"] in text
    for code in ("GON", "DOD"):
        assert nation.academies[code].name_fr in text
    for name in table.loc[table["level"] == "directorate", "name_fr"]:
        assert name in text
    first = table[(table["level"] == "academy") & (table["rank"] == 1)].iloc[0]
    assert f"{first['score']:.2f}" in text
    assert f"Total des 2 académies sur 12 et 6 directions sur {(table['level'] == 'directorate').sum()}" in text


def test_the_national_recipients_get_it_once_per_edition(rolled_up, bulletin, tmp_path):
    nation, national, _, table = rolled_up
    ledger, outbox = Ledger(tmp_path / "deliveries.sqlite"), tmp_path / "outbox"
    letters = plan_national_letters(nation, bulletin, WEEK, table)
    assert sorted(letter.email for letter in letters) == sorted(nation.recipients["email"])
    sent = deliver_round(WEEK, ledger, OutboxTransport(outbox), letters)
    assert [entry.status for entry in ledger.entries(PERIOD)] == [SENT, SENT] and len(sent) == 2
    again = deliver_round(WEEK, ledger, OutboxTransport(outbox), plan_national_letters(nation, bulletin, WEEK, table))
    assert again == [] and len(list(outbox.glob("*.eml"))) == 2  # the same week: nothing sent twice
    message = message_from_bytes(next(outbox.glob("*.eml")).read_bytes(), policy=policy.default)
    assert "niveau national" in message["Subject"] and message["Reply-To"] == nation.programme["center_email"]
    attached = [part.get_filename() for part in message.iter_attachments()]
    assert attached == [bulletin.name]
    headline = html.unescape(message.get_body(("html",)).get_content())
    assert nation.academies["GON"].name_fr in headline and nation.academies["ORI"].name_fr in headline
