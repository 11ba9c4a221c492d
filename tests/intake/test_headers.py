"""SPEC §2.1: every alias, in any case, with or without accents, tatweel or diacritics."""

import pytest

from schemas.headers import ALIASES, EXAM_RESULTS, VOUCHER_LEDGER, canonical_name, match_header

ALL = [(canonical, label) for canonical, labels in ALIASES.items() for label in (canonical, *labels)]


@pytest.mark.parametrize("canonical, label", ALL)
def test_every_alias_names_its_column(canonical, label):
    assert canonical_name(label) == canonical
    assert canonical_name(f"  {label.upper()}  ") == canonical


@pytest.mark.parametrize(
    "header, canonical",
    [
        ("Date de l’examen", "exam_date"),  # typographic apostrophe
        ("Établissement", "establishment"),
        ("Résultat", "passed"),
        ("N°   PPR", "candidate_id"),  # inner white space collapsed
        ("Numéro PPR", "candidate_id"),
        ("رقم ‌التأجير".replace("\u200c", ""), "candidate_id"),
        ("رقـــم التأجيـر", "candidate_id"),  # tatweel
        ("النُّقْطَة", "score"),  # diacritics
        ("Candidate_ID", "candidate_id"),
        ("Remarques", None),
    ],
)
def test_headers_are_compared_after_folding(header, canonical):
    assert canonical_name(header) == canonical


def test_a_header_row_maps_the_columns_of_its_source_only():
    cells = ["PPR", "Statut", "Code voucher", "Note", "Commentaire"]
    assert match_header(cells, EXAM_RESULTS) == {"candidate_id": 0, "voucher_code": 2, "score": 3}
    assert match_header(cells, VOUCHER_LEDGER) == {"candidate_id": 0, "status": 1, "voucher_code": 2}
