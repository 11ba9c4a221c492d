"""The history database, the same tests on SQLite (the embedded default) and on a real PostgreSQL
(a database of the test's own): a period's rows written once per version, a changed re-run kept
beside the previous version with its time, an unchanged one writing nothing, the series read back,
a schema of another version refused."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from sqlalchemy import text

from nashra.paths import PROJECT_ROOT
from nashra.settings import SettingsError, history_database_url
from tasks.evaluation.cross_checks import Finding
from tasks.evaluation.figures import COUNTS, FIGURES, with_rates
from tasks.evaluation.ranking import RANKING_COLUMNS
from tasks.outputs.history_db import HistoryError, connect, period_rows, read_history, record_period
from tests.postgres import postgres_database

ACADEMY = "Académie Régionale de l'Éducation et de la Formation Fès-Meknès"
EDITION = {"fingerprint": "abc123def456", "code_version": "test"}


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request, tmp_path):
    if request.param == "sqlite":
        engine = connect(history_database_url(tmp_path / "state", env={}))
        yield engine
        engine.dispose()
        return
    with postgres_database("nashra_history") as url:
        engine = connect(history_database_url(tmp_path, env={"NASHRA_DATABASE_URL": url}))
        yield engine
        engine.dispose()


def ranking(period: str, exams: dict[str, int], provisional: dict[str, str] | None = None) -> pd.DataFrame:
    """rankings.csv's rows (and `provisional`) for directorates with these exams taken; MEK missing."""
    codes = list(exams)
    counts = pd.DataFrame({name: [100] * len(codes) for name in COUNTS}, index=codes)
    counts["exams_taken"] = list(exams.values())
    counts["exams_passed"] = counts["exams_taken"] - 30  # more exams, a better pass rate
    frame = with_rates(counts)[list(FIGURES)]
    frame["rank"] = frame["score"].rank(ascending=False, method="first").astype("Int64")
    frame = frame.assign(period=period, rank_change=pd.NA, directorate_code=codes, name_fr=codes, name_ar=codes)
    frame = frame.assign(data_status="received", data_period=period, provisional=None)
    for code, errors in (provisional or {}).items():
        frame.loc[code, ["provisional", "rank"]] = [errors, pd.NA]
    missing = pd.DataFrame([{"period": period, "directorate_code": "MEK", "data_status": "missing"}])
    return pd.concat([frame.reset_index(drop=True), missing])[[*RANKING_COLUMNS, "provisional"]]


def rows(period: str, exams: dict[str, int], **kwargs) -> dict:
    register = [
        {
            "directorate": "FES",
            "source": "exam_results",
            "received": True,
            "outcome": "accepted",
            "used_period": period,
            "sha256": "0" * 64,
            "replaced": False,
            "expected": True,
            "replaced_sha256": None,
        },
    ]
    found = [Finding("W2", "FES", 3, ("a", "b")), Finding("E1", "TAZ", 1, ("x",), severity="error")]
    return period_rows(ranking(period, exams, **kwargs), register, found)


def write(engine, period: str, exams: dict[str, int], **kwargs) -> bool:
    return record_period(engine, period, rows(period, exams, **kwargs), academy=ACADEMY, edition=EDITION)


def test_a_period_is_written_and_read_back_as_a_series(engine):
    for period, fes in (("2026-W46", 40), ("2026-W47", 60), ("2026-W48", 80)):
        assert write(engine, period, {"FES": fes, "TAZ": 50})
    series = read_history(engine, directorate="FES", first="2026-W47", last="2026-W48")
    assert series["period"].tolist() == ["2026-W47", "2026-W48"]
    assert series["rank"].tolist() == [1, 1] and series["data_status"].tolist() == ["received", "received"]
    week = read_history(engine, period="2026-W46")
    assert week["directorate_code"].tolist() == ["TAZ", "FES", "MEK"]  # by rank, the missing last
    assert pd.isna(week.set_index("directorate_code").loc["MEK", "score"])


def test_an_unchanged_rerun_writes_nothing_and_a_changed_one_keeps_the_previous_version(engine):
    assert write(engine, "2026-W47", {"FES": 40, "TAZ": 50})
    assert not write(engine, "2026-W47", {"FES": 40, "TAZ": 50})
    assert write(engine, "2026-W47", {"FES": 90, "TAZ": 50})  # a corrected file
    assert read_history(engine, period="2026-W47")["directorate_code"].tolist()[:2] == ["FES", "TAZ"]
    with engine.connect() as db:
        versions = db.execute(
            text(
                "SELECT r.written_at, r.superseded_at, k.exams_taken FROM rankings k JOIN runs r ON r.id = k.run_id "
                "WHERE k.directorate_code = 'FES' ORDER BY r.id"
            )
        ).all()
    assert [v.exams_taken for v in versions] == [40, 90]  # before and after, both readable
    assert versions[0].superseded_at is not None and versions[1].superseded_at is None
    assert versions[0].superseded_at >= versions[0].written_at


def test_findings_keep_their_severity_and_a_provisional_directorate_its_reason(engine):
    write(engine, "2026-W47", {"FES": 40, "TAZ": 50}, provisional={"TAZ": "E1"})
    with engine.connect() as db:
        found = db.execute(text("SELECT directorate, code, severity, count FROM findings_current ORDER BY code")).all()
        taz = db.execute(text("SELECT rank, provisional FROM rankings_current WHERE directorate_code = 'TAZ'")).one()
    assert [tuple(f) for f in found] == [("TAZ", "E1", "error", 1), ("FES", "W2", "warning", 3)]
    assert taz.rank is None and taz.provisional == "E1"


def test_a_database_of_another_schema_version_is_refused(engine):
    with engine.begin() as db:
        db.execute(text("UPDATE nashra_schema SET version = 99"))
    with pytest.raises(HistoryError, match="schema version 99"):
        connect(engine.url.render_as_string(hide_password=False))


def test_a_malformed_url_is_refused_without_its_password(tmp_path):
    with pytest.raises(SettingsError, match="NASHRA_DATABASE_URL") as refused:
        history_database_url(tmp_path, env={"NASHRA_DATABASE_URL": "not a url s3cret"})
    assert "s3cret" not in str(refused.value)
    url = history_database_url(tmp_path, env={"NASHRA_DATABASE_URL": "postgresql://u:p@db/nashra"})
    assert url == "postgresql+psycopg://u:p@db/nashra"


def documented_queries() -> dict[str, str]:
    """The SQL blocks of docs/history.md, by their `-- query: name` line."""
    page = (PROJECT_ROOT / "docs" / "history.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```sql\n-- query: (\w+)\n(.*?)```", page, flags=re.S)
    return {name: body for name, body in blocks}


def test_the_three_documented_queries_answer_on_this_database(engine):
    assert set(documented_queries()) == {"trend", "consumption", "provisional"}
    write(engine, "2026-W46", {"FES": 40, "TAZ": 50})
    write(engine, "2026-W47", {"FES": 60, "TAZ": 50}, provisional={"TAZ": "E1"})
    write(engine, "2026-W47", {"FES": 70, "TAZ": 50}, provisional={"TAZ": "E1"})  # corrected: only it counts
    with engine.connect() as db:
        answers = {name: db.execute(text(sql)).all() for name, sql in documented_queries().items()}
    assert [(r.period, r.rank, r.data_status) for r in answers["trend"]] == [
        ("2026-W46", 2, "received"),
        ("2026-W47", 1, "received"),
    ]
    consumption = [(r.period, r.allocated, r.consumed) for r in answers["consumption"]]
    assert consumption == [("2026-W46", 200, 200), ("2026-W47", 200, 200)]  # MEK missing: not counted
    assert [r.consumption_rate for r in answers["consumption"]] == [1.0, 1.0]
    assert [(r.period, r.directorate_code, r.provisional, r.code) for r in answers["provisional"]] == [
        ("2026-W47", "TAZ", "E1", "E1")
    ]
