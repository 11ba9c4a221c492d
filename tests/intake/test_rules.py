"""SPEC §2.2-2.3, rule by rule: a row that breaks a rule is quarantined with a readable reason."""

import pandas as pd
import pytest

from tasks.intake.read import read_table
from tasks.intake.validate import validate_table
from tests.conftest import EXAM_HEADER, LEDGER_HEADER, write_csv, write_xlsx

GOOD_EXAM = {
    "candidate_id": "1234567",
    "exam_code": "MO-200",
    "exam_date": "27/09/2026",
    "score": "850",
    "passed": "oui",
    "voucher_code": "VCH000001",
}
GOOD_VOUCHER = {
    "voucher_code": "VCH000001",
    "allocated_on": "01/09/2026",
    "expires_on": "31/12/2026",
    "status": "consommé",
    "consumed_on": "27/09/2026",
    "candidate_id": "1234567",
}


def check(tmp_path, ctx, source, header, rows):
    path = write_csv(tmp_path / f"{source}.csv", [header, *[[r.get(c, "") for c in header] for r in rows]])
    return validate_table(read_table(path, source), source, ctx)


def exam(tmp_path, ctx, **cells):
    return check(tmp_path, ctx, "exam_results", EXAM_HEADER, [{**GOOD_EXAM, **cells}])


def voucher(tmp_path, ctx, **cells):
    return check(tmp_path, ctx, "voucher_ledger", LEDGER_HEADER, [{**GOOD_VOUCHER, **cells}])


@pytest.mark.parametrize(
    "cells, column, value",
    [
        ({"candidate_id": "12 345"}, "candidate_id", "12345"),
        ({"candidate_id": "1234567.0"}, "candidate_id", "1234567"),
        ({"candidate_id": "00123456"}, "candidate_id", "00123456"),  # kept as text
        ({"exam_code": "mo 200"}, "exam_code", "MO-200"),
        ({"exam_code": "MO200"}, "exam_code", "MO-200"),
        ({"exam_code": "mo_200"}, "exam_code", "MO-200"),
        ({"exam_date": "2026-09-27"}, "exam_date", pd.Timestamp("2026-09-27")),
        ({"exam_date": "7/9/2026"}, "exam_date", pd.Timestamp("2026-09-07")),
        ({"exam_date": "07-09-2026"}, "exam_date", pd.Timestamp("2026-09-07")),
        ({"exam_date": "46292"}, "exam_date", pd.Timestamp("2026-09-27")),  # an Excel serial
        ({"score": "850.0"}, "score", 850),
        ({"score": "0", "passed": "non"}, "score", 0),
        ({"passed": ""}, "passed", pd.NA),
        ({"passed": "RÉUSSI"}, "passed", True),
        ({"passed": "ناجح"}, "passed", True),
        ({"passed": "TRUE"}, "passed", True),
        ({"passed": "1"}, "passed", True),
        ({"voucher_code": "vch-000 001"}, "voucher_code", "VCH000001"),
        ({"candidate_name": "<b>Ali</b>"}, "candidate_name", "<b>Ali</b>"),
    ],
)
def test_valid_exam_cells_are_normalised(tmp_path, ctx, cells, column, value):
    table = exam(tmp_path, ctx, **cells)
    assert table.rows_quarantined == 0, table.quarantine["reasons"].tolist()
    got = table.accepted[column].iloc[0]
    assert (pd.isna(got) and value is pd.NA) or got == value


@pytest.mark.parametrize(
    "cells, reason, words",
    [
        ({"candidate_id": "1234"}, "candidate_id.invalid", "5 à 8 chiffres"),
        ({"candidate_id": "AB12345"}, "candidate_id.invalid", "5 à 8 chiffres"),
        ({"candidate_id": ""}, "candidate_id.missing", "obligatoire"),
        ({"exam_code": "MO-999"}, "exam_code.unknown", "catalogue"),
        ({"exam_date": "10/28/2026"}, "exam_date.invalid", "JJ/MM/AAAA"),
        ({"exam_date": "31/02/2026"}, "exam_date.invalid", "illisible"),
        ({"exam_date": "23/11/2026"}, "exam_date.after_as_of", "22/11/2026"),
        ({"exam_date": "31/08/2026"}, "exam_date.before_start", "début du programme"),
        ({"score": "850.5"}, "score.invalid", "nombre entier"),
        ({"score": "abc"}, "score.invalid", "nombre entier"),
        ({"score": "1001"}, "score.out_of_range", "0 à 1000"),
        ({"score": "-1", "passed": "non"}, "score.out_of_range", "0 à 1000"),
        ({"passed": "peut-être"}, "passed.invalid", "non reconnu"),
        ({"passed": "non"}, "passed.disagrees", "contredit la note"),
        ({"score": "699", "passed": "oui"}, "passed.disagrees", "contredit la note"),
        ({"voucher_code": "V-1"}, "voucher_code.invalid", "6 à 20"),
        ({"voucher_code": "A" * 21}, "voucher_code.invalid", "6 à 20"),
    ],
)
def test_each_exam_rule_quarantines_with_a_readable_reason(tmp_path, ctx, cells, reason, words):
    table = exam(tmp_path, ctx, **cells)
    assert table.rows_accepted == 0 and table.reason_counts == {reason: 1}
    assert words in table.quarantine.at[0, "reasons"]
    assert table.quarantine.at[0, "row"] == 2


@pytest.mark.parametrize(
    "cells, reason",
    [
        ({"voucher_code": ""}, "voucher_code.missing"),
        ({"allocated_on": "23/11/2026", "status": "disponible", "consumed_on": ""}, "allocated_on.after_as_of"),
        ({"expires_on": "31/08/2026"}, "expires_on.before_allocation"),
        ({"status": "perdu"}, "status.invalid"),
        ({"status": ""}, "status.missing"),
        ({"consumed_on": ""}, "consumed_on.missing"),
        ({"status": "disponible"}, "consumed_on.not_consumed"),
        ({"consumed_on": "23/11/2026"}, "consumed_on.out_of_range"),
        ({"consumed_on": "31/08/2026"}, "consumed_on.out_of_range"),
        ({"candidate_id": "12"}, "candidate_id.invalid"),
    ],
)
def test_each_ledger_rule_quarantines(tmp_path, ctx, cells, reason):
    table = voucher(tmp_path, ctx, **cells)
    assert table.reason_counts == {reason: 1}


@pytest.mark.parametrize(
    "status, expected",
    [
        ("disponible", "available"),
        ("Attribué", "assigned"),
        ("ASSIGNE", "assigned"),
        ("utilisé", "consumed"),
        ("Expiré", "expired"),
        ("annulé", "cancelled"),
        ("مستهلكة", "consumed"),
        ("منتهية الصلاحية", "expired"),
    ],
)
def test_statuses_in_french_arabic_any_case_or_accents(tmp_path, ctx, status, expected):
    consumed_on = "27/09/2026" if expected == "consumed" else ""
    table = voucher(tmp_path, ctx, status=status, consumed_on=consumed_on)
    assert table.accepted["status"].tolist() == [expected]


def test_a_row_gets_every_reason_it_breaks(tmp_path, ctx):
    table = exam(tmp_path, ctx, candidate_id="12", exam_code="MO-999", exam_date="", score="abc")
    assert set(table.reason_counts) == {
        "candidate_id.invalid",
        "exam_code.unknown",
        "exam_date.missing",
        "score.invalid",
    }
    assert table.quarantine.at[0, "reasons"].count(" | ") == 3


def test_identical_rows_collapse_and_conflicting_rows_are_all_quarantined(tmp_path, ctx):
    rows = [
        GOOD_EXAM,
        GOOD_EXAM,
        {**GOOD_EXAM, "voucher_code": "VCH000002"},
        {**GOOD_EXAM, "voucher_code": "vch-000002", "score": "600", "passed": "non"},
    ]
    table = check(tmp_path, ctx, "exam_results", EXAM_HEADER, rows)
    assert (table.rows_read, table.rows_accepted, table.rows_duplicate, table.rows_quarantined) == (4, 1, 1, 2)
    assert table.quarantine["row"].tolist() == [4, 5]
    assert table.reason_counts == {"voucher_code.conflict": 2}


def test_quarantine_keeps_the_original_cells_and_extra_columns(tmp_path, ctx):
    path = write_xlsx(
        tmp_path / "exam_results.xlsx",
        [
            ["Titre"],
            ["PPR", "Code examen", "Date examen", "Note", "Code voucher", "Observation"],
            [1234567, "mo 200", "27/09/2026", "abc", "vch 000001", "à revoir"],
        ],
    )
    table = validate_table(read_table(path, "exam_results"), "exam_results", ctx)
    row = table.quarantine.iloc[0]
    assert row["row"] == 3 and row["Code examen"] == "mo 200" and row["Observation"] == "à revoir"
    assert list(table.quarantine.columns[:2]) == ["row", "reasons"]


def test_rows_read_is_accepted_plus_quarantined_plus_duplicate(tmp_path, ctx):
    rows = [GOOD_EXAM, GOOD_EXAM, {**GOOD_EXAM, "voucher_code": "X"}, {**GOOD_EXAM, "voucher_code": "VCH000003"}]
    table = check(tmp_path, ctx, "exam_results", EXAM_HEADER, rows)
    assert table.rows_read == table.rows_accepted + table.rows_quarantined + table.rows_duplicate == 4
