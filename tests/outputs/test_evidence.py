"""The evidence workbooks (issue 26) of a bad week: a file carried from an earlier week (TAO's
exam results, BOU's ledger, as in the sample), a directorate with no file at all, quarantined
rows, duplicates, and vouchers expiring the day before the as-of date, on it, the day after, at
as-of + 30 and + 31 days. Every workbook's totals are rankings.csv's, figure by figure."""

from __future__ import annotations

import csv
import email
import io
import shutil
import subprocess
import sys
from email import policy

import pytest
from openpyxl import load_workbook

from nashra.paths import RAW_DIR
from tasks.evaluation.figures import FIGURES
from tasks.intake.read import UnreadableFile, read_table
from tests.command import nashra
from tests.outputs.evidence_totals import as_in_rankings, mismatches

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


# `nashra explain` (issue 26, item 1) on the same run: from its outputs, no Prefect server.
NO_SERVER = {"PREFECT_API_URL": "http://127.0.0.1:9/api"}  # nothing listens there


def explain(bad_week, *args):
    out_dir = bad_week["folder"].parent
    return nashra("explain", "--period", PERIOD, "--out-dir", out_dir, *args, env=NO_SERVER)


def rankings_row(bad_week, code):
    with (bad_week["folder"] / "rankings.csv").open(encoding="utf-8-sig") as handle:
        return next(row for row in csv.DictReader(handle) if row["directorate_code"] == code)


def test_explain_gives_every_figure_with_its_rows_files_and_what_was_set_aside(bad_week):
    done = explain(bad_week, "--directorate", "fes")
    assert done.returncode == 0, done.stderr
    row = rankings_row(bad_week, "FES")
    for figure in FIGURES:
        assert f"\n{figure} = " in done.stdout
    assert f"vouchers_expiring_30d = {row['vouchers_expiring_30d']} — " in done.stdout
    assert "définition : vouchers disponibles ou attribués qui expirent" in done.stdout
    assert "التعريف: قسيمات متوفرة أو مسندة" in done.stdout
    assert f"lignes comptées : {row['vouchers_allocated']} sur " in done.stdout
    assert "2026-W47/FES/voucher_ledger.csv ligne 682 — " in done.stdout  # the impossible date: would have counted
    assert "sha256 " in done.stdout and "pour monter d'un rang : " in done.stdout


def test_explain_as_csv_gives_rankings_figures_and_their_parts(bad_week):
    done = explain(bad_week, "--directorate", "TAO", "--csv")
    assert done.returncode == 0, done.stderr
    rows = {r["figure"]: r for r in csv.DictReader(io.StringIO(done.stdout))}
    ranking = rankings_row(bad_week, "TAO")
    assert list(rows) == list(FIGURES)
    for figure, r in rows.items():
        assert as_in_rankings(figure, float(r["value"])) == ranking[figure], figure
    rate = rows["certification_rate"]
    assert (rate["numerator_value"], rate["denominator_value"]) == (ranking["exams_passed"], ranking["exams_taken"])
    assert rate["data_period"] == "2026-W46" and rate["file"] == "2026-W46/TAO/exam_results.csv"
    assert rows["exams_taken"]["denominator_value"] == rows["exams_taken"]["value"]  # every accepted row counts


def test_explain_says_a_carried_file_s_week_was_not_received_and_a_missing_one_is_not_ranked(bad_week):
    carried = explain(bad_week, "--directorate", "TAO", "--figure", "exams_taken_week")
    assert (
        "« non reçu cette semaine » / « لم يتوصل به هذا الأسبوع » : ce fichier est celui de 2026-W46" in carried.stdout
    )
    missing = explain(bad_week, "--directorate", "MYA", "--figure", "score")
    assert missing.returncode == 0 and "non classée" in missing.stdout and "score = —" in missing.stdout


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (("--directorate", "XYZ"), "FES"),
        (("--directorate", "FES", "--figure", "rate"), "consumption_rate"),
    ],
)
def test_explain_refuses_what_it_does_not_know_naming_what_it_knows(bad_week, args, named):
    done = explain(bad_week, *args)
    assert done.returncode == 2 and named in done.stderr and "\n" not in done.stderr.strip()


def test_explain_of_a_week_not_run_lists_the_weeks_run(bad_week):
    done = nashra("explain", "--period", "2026-W49", "--directorate", "FES", "--out-dir", bad_week["folder"].parent)
    assert done.returncode == 2 and "periods run: 2026-W47" in done.stderr
    assert nashra("explain", "--period", "W49", "--directorate", "FES").returncode == 2


def test_explain_into_a_reader_that_stops_early_ends_quietly(bad_week):
    """`nashra explain … | head -1`: a real process, its output cut; no 'unexpected error'."""
    command = [sys.executable, "-m", "nashra.cli", "explain", "--period", PERIOD, "--directorate", "FES"]
    command += ["--out-dir", str(bad_week["folder"].parent)]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as process:
        assert process.stdout.readline().startswith(b"FES")
        process.stdout.close()
        assert process.wait(timeout=60) == 141 and b"error" not in process.stderr.read()
