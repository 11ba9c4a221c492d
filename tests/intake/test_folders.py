"""SPEC §8 "Folders and files" (issue 24, item 3): a directorate's folder as people type it, and
everything the run does not use named with what it most likely is."""

import pytest

from nashra.periods import Period
from tasks.intake.discover import scan_period
from tasks.intake.unused import unused_lines
from tests.intake.test_ingest import drop

P = Period.parse("2026-W47")


@pytest.mark.parametrize(
    "folder, code",
    [
        ("FES ", "FES"),  # a trailing space
        (" fes", "FES"),
        ("Fès", "FES"),  # its French name, accents or not
        ("FES", "FES"),
        ("MEKNES", "MEK"),
        ("مكناس", "MEK"),  # its Arabic name
        ("El-Hajeb", "HAJ"),
        ("el_hajeb", "HAJ"),
        ("Moulay  Yacoub", "MYA"),
        ("مولاي يعقوب", "MYA"),
    ],
)
def test_a_folder_is_recognised_by_its_code_or_its_own_name(tmp_path, reference, folder, code):
    drop(tmp_path, "2026-W47", folder, "exam_results")
    found = scan_period(tmp_path, P, reference.codes, reference.directorate_names)
    assert list(found.drops) == [(code, "exam_results")] and found.ignored == []


def test_an_unknown_folder_is_named_with_the_directorate_it_most_likely_is(tmp_path, reference):
    drop(tmp_path, "2026-W47", "FEZ", "exam_results")
    drop(tmp_path, "2026-W47", "HAJ", "exam_results")
    found = scan_period(tmp_path, P, reference.codes, reference.directorate_names)
    assert [(i["path"].rsplit("/", 1)[-1], i.get("likely")) for i in found.ignored] == [("FEZ", "FES")]
    lines = unused_lines(found.ignored, {"FES": "carried", "HAJ": "received"}, str(P))
    assert lines[0].startswith("« FEZ/ » — FES ? : non utilisé / غير مستعمل — dossier inconnu « FEZ »")
    assert lines[1].startswith("FES est reportée alors que « FEZ/ » est dans le dossier de 2026-W47 : probablement mal")
    assert len(lines) == 2


def test_a_second_download_beside_the_file_is_named_as_its_source(tmp_path, reference):
    drop(tmp_path, "2026-W47", "MEK", "exam_results")
    (tmp_path / "2026-W47" / "MEK" / "exam_results (1).csv").write_text("copie")
    (tmp_path / "2026-W47" / "MEK" / "Vouchers_ledger.xlsx").write_bytes(b"PK")
    found = scan_period(tmp_path, P, reference.codes, reference.directorate_names)
    assert list(found.drops) == [("MEK", "exam_results")]
    likely = {i["path"].rsplit("/", 1)[-1]: i.get("likely") for i in found.ignored}
    assert likely == {"exam_results (1).csv": "exam_results", "Vouchers_ledger.xlsx": "voucher_ledger"}
    lines = unused_lines(found.ignored, {"MEK": "carried"}, str(P))
    assert (
        "« MEK/exam_results (1).csv » — exam_results ? : non utilisé / غير مستعمل — second fichier pour "
        "exam_results : seul « exam_results.csv » est lu" in lines
    )
    assert "si c'est voucher_ledger, le renommer voucher_ledger.csv ou voucher_ledger.xlsx" in lines[0]
    assert lines[-1].startswith("MEK est reportée alors que « MEK/Vouchers_ledger.xlsx »")


def test_a_received_directorate_with_a_stray_file_is_not_called_misnamed(tmp_path, reference):
    drop(tmp_path, "2026-W47", "TAZ", "exam_results")
    (tmp_path / "2026-W47" / "TAZ" / "notes.txt").write_text("hello")
    found = scan_period(tmp_path, P, reference.codes, reference.directorate_names)
    lines = unused_lines(found.ignored, {"TAZ": "received"}, str(P))
    assert len(lines) == 1 and lines[0].startswith("« TAZ/notes.txt » : non utilisé")
