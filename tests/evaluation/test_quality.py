"""Issue 3: the GX checks fire on small fixtures, stay quiet on the clean sample, and an error
makes a directorate provisional and unranked while the others keep their ranks."""

import pandas as pd
import pytest

from devtools.sample_data import generate
from nashra.periods import Period
from schemas.quality import ERROR, PERIOD_CHECKS, TREND_CHECKS
from tasks.bulletins.context import RunView
from tasks.bulletins.pages import bulletin_html
from tasks.evaluation.expectations import validate_facts
from tasks.evaluation.history import earlier_periods
from tasks.evaluation.period import assemble_period, evaluate_period
from tasks.evaluation.quality import trend_facts
from tasks.evaluation.ranking import ranking_frame
from tasks.intake.discover import scan_folders
from tests.conftest import EXAM_HEADER, LEDGER_HEADER, write_csv

P = Period.parse("2026-W47")


def test_the_clean_sample_raises_no_finding(tmp_path, reference):
    generate(tmp_path, P, clean=True)
    folders = scan_folders(tmp_path, P, reference.codes)
    history = {q: evaluate_period(reference, q, folders).table for q in earlier_periods(P, reference.start_date)}
    current = evaluate_period(reference, P, folders)
    result = assemble_period(current.directorates, reference, P, history=history)
    assert result.findings == []
    assert result.table["rank"].notna().all()


def facts(**columns):
    frame = pd.DataFrame({c.column: 0.0 for c in PERIOD_CHECKS + TREND_CHECKS}, index=["FES", "MEK"])
    for column, values in columns.items():
        frame[column] = values
    return frame.rename_axis("code")


@pytest.mark.parametrize(
    "column, values, code, severity, directorate",
    [
        ("w1", [0, 2], "W1", "warning", "MEK"),
        ("w5", [1, 0], "W5", "warning", "FES"),
        ("consumed_excess", [0, 4.0], "P1", "warning", "MEK"),
        ("certification_shift", [0.3, 0.1], "P2", "warning", "FES"),
        ("weekly_volume_ratio", [4.5, 1.0], "P3", "warning", "FES"),
        ("quarantine_share", [0.2, 0.6], "E1", ERROR, "MEK"),
    ],
)
def test_each_check_fires_with_its_severity(column, values, code, severity, directorate):
    failures = validate_facts(facts(**{column: values}), PERIOD_CHECKS + TREND_CHECKS, "test")
    assert [(f.code, f.severity, f.directorate) for f in failures] == [(code, severity, directorate)]


def history_table(rate: float, weekly: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "data_status": ["received"],
            "certification_rate": [rate],
            "exams_taken_week": [weekly],
            "exams_taken": [100],
            "vouchers_allocated": [200],
        },
        index=pd.Index(["FES"], name="code"),
    )


def test_trend_facts_measure_against_the_directorates_recent_weeks():
    history = {q: history_table(0.5, 10) for q in P.recent(5)[:-1]}
    now = history_table(0.9, 80).assign(exams_taken=[90])  # exams fell, rate jumped, volume x5
    found, w5 = trend_facts(now, history, P)
    assert found.loc["FES", "w5"] == 1 and w5[0].examples == ("exams_taken : de 100 à 90",)
    assert found.loc["FES", "certification_shift"] == pytest.approx(0.4)
    assert found.loc["FES", "weekly_volume_ratio"] == pytest.approx(80 / 15)


def test_small_numbers_do_not_raise_a_certification_shift():
    history = {q: history_table(0.5, 10) for q in P.recent(5)[:-1]}
    found, _ = trend_facts(history_table(1.0, 10).assign(exams_taken=[12]), history, P)
    assert found.loc["FES", "certification_shift"] == 0


GOOD = ["1234567", "", "MO-200", "27/09/2026", "850", "oui", "VCH000001"]
VOUCHER = ["VCH000001", "01/09/2026", "31/12/2026", "consommé", "27/09/2026", "1234567"]


def test_an_error_makes_a_directorate_provisional_and_unranked(tmp_path, reference):
    for code in ("FES", "MEK", "HAJ"):
        bad = [[*GOOD[:4], "abc", GOOD[5], f"VCH00000{n}"] for n in (2, 3)]
        rows = [GOOD] if code != "MEK" else [GOOD, *bad]
        write_csv(tmp_path / "2026-W47" / code / "exam_results.csv", [EXAM_HEADER, *rows])
        write_csv(tmp_path / "2026-W47" / code / "voucher_ledger.csv", [LEDGER_HEADER, VOUCHER])
    folders = scan_folders(tmp_path, P, reference.codes)
    current = evaluate_period(reference, P, folders)
    table = current.table
    assert table.loc["MEK", "provisional"] == "E1" and pd.isna(table.loc["MEK", "rank"])
    assert sorted(table["rank"].dropna().tolist()) == [1, 2]
    assert table.loc["MEK", "exams_taken"] == 1  # the figures are still published

    ranking = ranking_frame(table, table, reference, str(P))
    view = RunView(reference, current, ranking, [(P, table)], current.findings, [], "abc", "test")
    own = bulletin_html(view, "MEK")
    assert "Chiffres provisoires, hors classement cette semaine" in own
    assert "أرقام هذه المديرية مؤقتة ولا تدخل في الترتيب" in own
    regional = bulletin_html(view, "REGION")
    assert "بيانات مؤقتة" in regional
    assert "données provisoires" in regional
    assert "E1" in own and "plus de la moitié" in own
