"""The national installation's reference: twelve academies and their real directorates, each
academy's reference folder checked as today's, a directorate code unique in the country, and the
national recipients."""

import shutil

import pytest

from nashra.academies import NATIONAL, load_nation
from nashra.paths import NATIONAL_DIR, REFERENCE_DIR, RunPaths
from nashra.reference import ReferenceError


def test_the_committed_nation_has_twelve_academies_and_82_directorates():
    nation = load_nation(NATIONAL_DIR)
    assert len(nation.academies) == 12 and len(nation.directorates) == 82
    assert nation.academies["FME"].reference_dir == REFERENCE_DIR.resolve()  # Fès-Meknès as it is
    assert nation.directorates.loc["FES", "academy"] == "FME" and nation.directorates.loc["ODD", "academy"] == "DOD"
    assert set(nation.recipients["scope"]) == {NATIONAL}


def test_an_academy_runs_on_its_own_folders_under_the_national_ones(tmp_path):
    national = RunPaths(raw_dir=tmp_path / "raw", out_dir=tmp_path / "out", state_dir=tmp_path / "state")
    paths = load_nation(NATIONAL_DIR).academies["ORI"].paths(national)
    assert (
        paths.raw_dir == tmp_path / "raw" / "ORI" and paths.ledger == tmp_path / "state" / "ORI" / "deliveries.sqlite"
    )
    assert paths.reference_dir == (NATIONAL_DIR / "academies" / "ORI").resolve()


@pytest.fixture
def nation_copy(tmp_path):
    folder = tmp_path / "national"
    shutil.copytree(NATIONAL_DIR, folder)
    shutil.copytree(REFERENCE_DIR, tmp_path / "reference")  # FME's folder, relative to academies.csv
    return folder


def test_a_directorate_in_two_academies_is_refused_naming_both(nation_copy):
    listing = nation_copy / "academies" / "DOD" / "directorates.csv"
    listing.write_text(listing.read_text(encoding="utf-8") + "FES,فاس,Fès,prefecture\n", encoding="utf-8")
    targets = nation_copy / "academies" / "DOD" / "targets.csv"
    targets.write_text(targets.read_text() + "FES,10\n")
    with pytest.raises(ReferenceError, match="directorate 'FES' belongs to FME and DOD"):
        load_nation(nation_copy)


def test_a_national_recipient_of_another_scope_is_refused_with_its_line(nation_copy):
    recipients = nation_copy / "recipients.csv"
    recipients.write_text(
        recipients.read_text(encoding="utf-8") + "REGION,Someone,someone@x.example\n", encoding="utf-8"
    )
    with pytest.raises(ReferenceError, match=r"recipients.csv:4: scope 'REGION' is not NATIONAL"):
        load_nation(nation_copy)


def test_an_academy_whose_reference_folder_is_missing_is_refused(nation_copy):
    shutil.rmtree(nation_copy / "academies" / "GON")
    with pytest.raises(ReferenceError, match="GON: reference folder not found"):
        load_nation(nation_copy)
