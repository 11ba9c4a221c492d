"""The evidence workbooks (issue 26) of a bad week: a file carried from an earlier week (TAO's
exam results, BOU's ledger, as in the sample), a directorate with no file at all, quarantined
rows, duplicates, and vouchers expiring the day before the as-of date, on it, the day after, at
as-of + 30 and + 31 days. Every workbook's totals are rankings.csv's, figure by figure."""

from __future__ import annotations

import email
import shutil
from email import policy

import pytest
from openpyxl import load_workbook

from nashra.paths import RAW_DIR
from tasks.intake.read import UnreadableFile, read_table
from tests.command import nashra
from tests.outputs.evidence_totals import mismatches

pytestmark = pytest.mark.e2e

PERIOD = "2026-W47"  # as-of Sunday 22/11/2026
EDGES = {  # voucher code -> (expires_on, status as the clerk typed it)
    "VCH-FES-T1": ("21/11/2026", "disponible"),  # the day before the as-of date: expired
    "VCH-FES-T2": ("22/11/2026", "disponible"),  # the as-of date: expiring within 30 days
    "VCH-FES-T3": ("23/11/2026", "attribué"),  # the day after: expiring
    "VCH-FES-T4": ("22/12/2026", "disponible"),  # as-of + 30 days: expiring
    "VCH-FES-T5": ("23/12/2026", "disponible"),  # as-of + 31 days: open, not yet expiring
}


@pytest.fixture(scope="module")
def bad_week(tmp_path_factory):
    work = tmp_path_factory.mktemp("bad-week")
    raw = work / "raw"
    shutil.copytree(RAW_DIR, raw)
    for folder in raw.glob("*/MYA"):  # not one file, ever: missing
        shutil.rmtree(folder)
    ledger = raw / PERIOD / "FES" / "voucher_ledger.csv"
    lines = [f"{code},01/10/2026,{expires},{status},," for code, (expires, status) in EDGES.items()]
    lines += [lines[1], "VCH-FES-T6,01/10/2026,31/12/9999,disponible,,"]  # a duplicate; an impossible date
    ledger.write_text(ledger.read_text(encoding="utf-8") + "\n".join(lines) + "\n", encoding="utf-8")
    command = ["run", "--period", PERIOD, "--raw-dir", raw, "--deliver", "outbox"]
    done = nashra(*command, "--out-dir", work / "reports", "--state-dir", work / "state")
    assert done.returncode in (0, 1), done.stderr[-2000:]  # 1: a directorate is missing
    return {"folder": work / "reports" / PERIOD, "raw": raw}


def test_every_workbook_s_totals_are_the_rankings_figures(bad_week):
    assert mismatches(bad_week["folder"]) == []


def _rows(path, sheet_index):
    sheet = load_workbook(path).worksheets[sheet_index]
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_each_voucher_says_the_rule_and_the_dates_it_compared(bad_week):
    vouchers = {row["Code voucher"]: row for row in _rows(bad_week["folder"] / "explain" / "FES.xlsx", 2)}
    assert vouchers["VCH-FES-T1"]["règle"] == "expiré : date d'expiration 21/11/2026 < 22/11/2026"
    assert vouchers["VCH-FES-T1"]["القاعدة"] == "منتهية الصلاحية: تاريخ الانتهاء 21/11/2026 < 22/11/2026"
    expiring = [code for code, row in vouchers.items() if row["vouchers_expiring_30d"] == 1 and "-T" in code]
    assert expiring == ["VCH-FES-T2", "VCH-FES-T3", "VCH-FES-T4"]
    assert vouchers["VCH-FES-T5"]["vouchers_expiring_30d"] is None
    assert vouchers["VCH-FES-T5"]["règle"] == "ouvert : expire le 23/12/2026 (après le 22/12/2026)"
    assert vouchers["VCH-FES-T2"]["السطر / ligne"] == 677  # header = row 1: the clerk's row number


def test_the_rows_set_aside_say_why_and_what_they_would_have_counted(bad_week):
    aside = _rows(bad_week["folder"] / "explain" / "FES.xlsx", 6)
    by_row = {(row["المصدر / source"].startswith("سجل"), row["السطر / ligne"]): row for row in aside}
    duplicate = by_row[(True, 681)]
    assert duplicate["الأسباب / raisons"].endswith("doublon exact de la ligne 677")
    impossible = by_row[(True, 682)]
    assert "9999" in impossible["الأسباب / raisons"]
    assert impossible["كان سيحتسب في / aurait compté dans"] == "vouchers_allocated"


def test_a_directorate_without_files_has_only_its_target(bad_week):
    summary = _rows(bad_week["folder"] / "explain" / "MYA.xlsx", 0)
    values = {row["figure"]: row["القيمة / valeur"] for row in summary}
    assert values.pop("beneficiaries_target") > 0
    assert set(values.values()) == {None}


def test_no_candidate_name_is_in_any_workbook_and_ids_only_in_their_own(bad_week):
    texts = {}
    for path in sorted((bad_week["folder"] / "explain").glob("*.xlsx")):
        cells = (
            c for sheet in load_workbook(path).worksheets for row in sheet.iter_rows(values_only=True) for c in row
        )
        texts[path.stem] = "\n".join(str(c) for c in cells if c is not None)
    for exam_file in sorted(bad_week["raw"].glob(f"{PERIOD}/*/exam_results.*")):
        try:
            table = read_table(exam_file, "exam_results")
        except UnreadableFile:  # TAO's, its score column misnamed: the earlier week's is carried
            continue
        code = "TAZ" if exam_file.parent.name == "Taz" else exam_file.parent.name
        if "candidate_name" in table.columns:
            names = {n for n in table.frame[table.columns["candidate_name"]] if len(n) > 4}
            assert names and not [n for n in names if any(n in text for text in texts.values())], code
        ids = {i for i in table.frame[table.columns["candidate_id"]] if len(i) > 5}
        assert ids & set(texts[code].split("\n")), code
        others = "\n".join(text for other, text in texts.items() if other != code).split("\n")
        assert not ids & set(others), code


def test_the_receipt_attaches_the_directorate_s_own_workbook(bad_week):
    outbox = bad_week["folder"] / "outbox"
    message = email.message_from_bytes(next(outbox.glob("receipt_FES_*.eml")).read_bytes(), policy=policy.default)
    names = [part.get_filename() for part in message.iter_attachments()]
    assert names[-1] == "FES.xlsx"
    assert [n for n in names if n.endswith(".xlsx")] == ["FES.xlsx"]
    assert "FES.xlsx" in message.get_body(("plain",)).get_content()
