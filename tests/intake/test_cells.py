"""SPEC §8 "Cells": whatever one cell holds, its outcome is the row's (issue 24, items 1-2).

A date no calendar library can hold, digits of another script, a percentage for a score: the row
counts or is set aside with its reason; the rest of the file counts; nothing raised reaches it.
"""

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nashra.periods import Period
from schemas.columns import PARSERS
from schemas.headers import COLUMNS
from tasks.evaluation.period import evaluate_period
from tasks.intake.discover import scan_folders
from tasks.intake.read import RawTable
from tasks.intake.validate import validate_table
from tests.conftest import LEDGER_HEADER
from tests.intake.test_ingest import VOUCHER, drop
from tests.intake.test_rules import exam, voucher

P = Period.parse("2026-W47")


@pytest.mark.parametrize("written", ["31/12/9999", "15/10/0026", "15/10/1200", "9999-12-31", "01/01/2262"])
def test_an_impossible_expiry_is_that_rows_reason(tmp_path, ctx, written):
    table = voucher(tmp_path, ctx, expires_on=written)
    assert table.reason_counts == {"expires_on.impossible": 1}
    reasons = table.quarantine.at[0, "reasons"]
    assert f"« {written} » : date impossible" in reasons and "تاريخ لا يمكن" in reasons


def test_an_impossible_exam_date_is_that_rows_reason(tmp_path, ctx):
    assert exam(tmp_path, ctx, exam_date="31/12/9999").reason_counts == {"exam_date.impossible": 1}


def test_one_impossible_date_leaves_the_directorate_received_with_its_other_rows(tmp_path, reference):
    forever = ["VCH000002", "01/09/2026", "31/12/9999", "disponible", "", ""]
    drop(tmp_path, "2026-W47", "FES", "exam_results")
    drop(tmp_path, "2026-W47", "FES", "voucher_ledger", rows=[VOUCHER, forever])
    result = evaluate_period(reference, P, scan_folders(tmp_path, P, reference.codes))
    fes = result.table.loc["FES"]
    assert fes["data_status"] == "received" and fes["rank"] == 1
    assert fes["vouchers_allocated"] == 1 and fes["vouchers_consumed"] == 1


@pytest.mark.parametrize(
    "written, expected",
    [
        ("٦٨٩٥٣٤٢", "6895342"),  # Arabic-Indic
        ("۸۰۸۰۵۹۸", "8080598"),  # Persian
        ("４８１９８３０", "4819830"),  # fullwidth
        ("١٢ ٣٤٥", "12345"),
    ],
)
def test_a_ppr_in_any_script_of_digits_is_the_same_ppr(tmp_path, ctx, written, expected):
    table = exam(tmp_path, ctx, candidate_id=written)
    assert table.rows_quarantined == 0 and table.accepted["candidate_id"].tolist() == [expected]


@pytest.mark.parametrize(
    "cells, column, value",
    [
        ({"score": "٨٥٠"}, "score", 850),
        ({"score": "1 000"}, "score", 1000),  # French grouping: a plain space
        ({"score": "1\u00a0000"}, "score", 1000),  # a no-break space, as Excel writes it
        ({"exam_date": "٢٧/٠٩/٢٠٢٦"}, "exam_date", pd.Timestamp("2026-09-27")),
        ({"exam_code": "MO-٢٠٠"}, "exam_code", "MO-200"),
        ({"voucher_code": "VCH٠٠٠٠٠١"}, "voucher_code", "VCH000001"),
    ],
)
def test_numbers_dates_and_codes_read_any_decimal_digit(tmp_path, ctx, cells, column, value):
    table = exam(tmp_path, ctx, **cells)
    assert table.rows_quarantined == 0, table.quarantine["reasons"].tolist()
    assert table.accepted[column].iloc[0] == value


def test_the_same_candidate_typed_in_arabic_digits_is_counted_once(tmp_path, reference):
    again = ["٦٨٩٥٣٤٢", "", "MO-201", "28/09/2026", "850", "oui", "VCH000002"]
    first = ["6895342", "", "MO-200", "27/09/2026", "850", "oui", "VCH000001"]
    drop(tmp_path, "2026-W47", "FES", "exam_results", rows=[first, again])
    second_voucher = ["VCH000002", "01/09/2026", "31/12/2026", "consommé", "28/09/2026", ""]
    drop(tmp_path, "2026-W47", "FES", "voucher_ledger", rows=[VOUCHER, second_voucher])
    fes = evaluate_period(reference, P, scan_folders(tmp_path, P, reference.codes)).table.loc["FES"]
    assert fes["exams_taken"] == 2 and fes["candidates_examined"] == 1 and fes["candidates_certified"] == 1


@pytest.mark.parametrize("written", ["85%", "85 %", "85,5%"])
def test_a_percentage_is_no_score(tmp_path, ctx, written):
    table = exam(tmp_path, ctx, score=written)
    assert table.reason_counts == {"score.percent": 1}
    assert "pas un pourcentage" in table.quarantine.at[0, "reasons"]


def test_a_space_that_is_not_thousands_grouping_is_no_score(tmp_path, ctx):
    assert exam(tmp_path, ctx, score="8 50").reason_counts == {"score.invalid": 1}


# Cells as they come: any text, digits of every script, dates and numbers half typed.
_pieces = st.sampled_from(
    ["31/12/9999", "0026", "٨٥٠", "１２", "1e308", "-", "%", " ", "\u00a0", "/", ".", "0", "00:00", "NaN", "inf"]
)
CELLS = st.lists(st.one_of(st.text(max_size=12), _pieces), min_size=1, max_size=3).map("".join).map(str.strip)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cells=st.lists(CELLS, min_size=1, max_size=8))
def test_every_parser_gives_a_cell_level_outcome_for_any_cell(cells):
    series = pd.Series(cells, dtype=object)
    for name, parser in PARSERS.items():
        parsed = parser(series)
        assert len(parsed.values) == len(parsed.unreadable) == len(series), name
        # a cell is read, or it is empty, or it is unreadable (with its reason): never two, never none
        empty = series == ""
        assert ((parsed.values.notna() | empty) ^ parsed.unreadable).all(), name


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(st.fixed_dictionaries({c: CELLS for c in LEDGER_HEADER}), min_size=1, max_size=6))
def test_any_ledger_rows_are_each_accepted_quarantined_or_duplicate(ctx, rows):
    frame = pd.DataFrame(rows, columns=LEDGER_HEADER, dtype=object)
    frame.index = pd.RangeIndex(2, 2 + len(frame), name="row")
    raw = RawTable(frame, {c: c for c in COLUMNS["voucher_ledger"] if c in LEDGER_HEADER}, 1)
    table = validate_table(raw, "voucher_ledger", ctx)
    assert table.rows_read == table.rows_accepted + table.rows_quarantined + table.rows_duplicate == len(rows)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(st.fixed_dictionaries({c: CELLS for c in COLUMNS["exam_results"]}), max_size=6))
def test_any_exam_rows_are_each_accepted_quarantined_or_duplicate(ctx, rows):
    header = list(COLUMNS["exam_results"])
    frame = pd.DataFrame(rows, columns=header, dtype=object)
    frame.index = pd.RangeIndex(2, 2 + len(frame), name="row")
    table = validate_table(RawTable(frame, {c: c for c in header}, 1), "exam_results", ctx)
    assert table.rows_read == table.rows_accepted + table.rows_quarantined + table.rows_duplicate == len(rows)
