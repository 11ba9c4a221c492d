"""Issue 10 §1, §2, §6, SPEC §8: no command ends in a traceback, each exit status means what the
README says, a typo or a future period is refused before anything runs, results go to stdout."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, datetime, timedelta
from types import SimpleNamespace

import pandas as pd
import pytest

from nashra.cli.run import change_text, print_summary
from nashra.periods import TIMEZONE, Period, PeriodError
from nashra.settings import SettingsError, resolve_channel

P = Period.parse("2026-W47")


def nashra(*args, env=None, timeout=300):
    command = [sys.executable, "-m", "nashra.cli", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout, env={**os.environ, **(env or {})})


def one_line(result) -> str:
    assert "Traceback" not in result.stderr + result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.mark.parametrize(
    "case, change, shown",
    [
        ("first period: no rank before", pd.NA, "—"),
        ("newly ranked: unranked last week", None, "—"),
        ("now missing: no rank this week", float("nan"), "—"),
        ("carried and unchanged", 0, "="),
        ("up two places", 2, "+2"),
        ("down one place", -1, "-1"),
        ("an Int64 value from the ranking frame", pd.array([3], dtype="Int64")[0], "+3"),
    ],
)
def test_every_rank_change_prints(case, change, shown):
    assert change_text(change) == shown, case


def test_the_summary_prints_every_shape_of_rank_change_to_stdout(capsys):
    rows = [
        {
            "code": code,
            "data_status": status,
            "data_period": period,
            "accepted": 1,
            "quarantined": 0,
            "rank": rank,
            "rank_change": change,
        }
        for code, status, period, rank, change in (
            ("FES", "received", "2026-W47", 1, pd.NA),  # first period
            ("MEK", "received", "2026-W47", 2, 1),
            ("HAJ", "carried", "2026-W46", 3, 0),
            ("IFR", "received", "2026-W47", 4, -2),
            ("BOU", "missing", float("nan"), pd.NA, pd.NA),  # as the ranking frame gives it
        )
    ]
    summary = SimpleNamespace(
        period="2026-W47",
        out_dir="/tmp/x",
        rows=rows,
        bulletins=6,
        deliveries={"sent": 2},
        held=False,
        errors=[],
        undelivered=[],
        unused=["« FEZ/ » — FES ? : non utilisé / غير مستعمل — dossier inconnu « FEZ »"],
    )
    print_summary(summary, "outbox", 1.0)
    out, err = capsys.readouterr()
    assert "FES" in out and "BOU" in out and "+1" in out and "-2" in out and "2 sent now" in out
    assert "not used: « FEZ/ » — FES ?" in err  # issue 24, item 3: on the terminal


@pytest.mark.e2e
def test_the_first_period_with_an_empty_state_runs_and_prints_its_table(tmp_path):
    """2026-W42, the programme's first week: no earlier rank at all. Its folders are given
    relative to where the command is run (Great Expectations' Data Docs need them absolute), and
    the terminal shows no log line of Prefect's, the workers' included."""
    command = [sys.executable, "-m", "nashra.cli", "run", "--period", "2026-W42", "--deliver", "none"]
    command += ["--out-dir", "out", "--state-dir", "state"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert "Task run" not in result.stderr and "Flow run" not in result.stderr
    assert "Nashra 2026-W42" in result.stdout and "directorate" in result.stdout  # results on stdout
    assert "messages not e-mailed" in result.stdout and "already_sent" not in result.stdout
    assert (tmp_path / "out" / "2026-W42" / "rankings.csv").is_file()


@pytest.mark.parametrize("period", ["2099-W01", str(Period.containing(date.today() + timedelta(days=7)))])
def test_a_period_that_has_not_ended_is_refused(tmp_path, period):
    result = nashra("run", "--period", period, "--out-dir", str(tmp_path))
    assert result.returncode == 2 and "only a week that has ended can be run" in one_line(result)
    assert not any(tmp_path.iterdir())


def test_the_period_rule_itself():
    assert Period.parse_past("2026-W47", today=date(2026, 11, 22)) == P  # its Sunday is today
    with pytest.raises(PeriodError):
        Period.parse_past("2026-W47", today=date(2026, 11, 21))


@pytest.mark.parametrize(
    "args, env, message",
    [
        (["--deliver", "none"], {"NASHRA_DELIVERY": "smpt"}, "NASHRA_DELIVERY='smpt' is not one of outbox, smtp"),
        (["--deliver", "email"], {}, "invalid choice: 'email'"),
        (["--deliver", "none"], {"PREFECT_API_URL": "http://127.0.0.1:9/api"}, "does not answer"),
        (["--deliver", "none"], {"NASHRA_MAX_ROWS": "many"}, "NASHRA_MAX_ROWS='many'"),
        (["--deliver", "none"], {"NASHRA_WORKERS": "two"}, "NASHRA_WORKERS='two'"),
        (["--deliver", "none"], {"NASHRA_DASK_ADDRESS": "10.0.0.5"}, "NASHRA_DASK_ADDRESS='10.0.0.5': expected"),
    ],
)
def test_a_wrong_setting_is_refused_in_one_line_before_anything_runs(tmp_path, args, env, message):
    result = nashra("run", "--period", str(P), *args, "--out-dir", str(tmp_path), env=env)
    assert result.returncode == 2
    assert message in one_line(result)
    assert not any(tmp_path.iterdir())


def test_the_prefect_server_line_names_the_url_and_both_ways_out(tmp_path):
    result = nashra(
        "run", "--period", str(P), "--out-dir", str(tmp_path), env={"PREFECT_API_URL": "http://127.0.0.1:9/api"}
    )
    line = one_line(result)
    assert "http://127.0.0.1:9/api" in line and "prefect server start" in line and "unset PREFECT_API_URL" in line


def test_the_channel_rule_refuses_a_typo_from_any_source():
    with pytest.raises(SettingsError, match="'email' is not one of auto, outbox, smtp, none"):
        resolve_channel("email", P)
    with pytest.raises(SettingsError, match="NASHRA_DELIVERY='smpt'"):
        resolve_channel("auto", P, env={"NASHRA_DELIVERY": "smpt"})
    monday = datetime(2026, 11, 23, 7, tzinfo=TIMEZONE)  # the scheduled run that processes 2026-W47
    assert resolve_channel("auto", P, monday, env={"NASHRA_DELIVERY": "SMTP"}) == "smtp"  # any case
    assert resolve_channel("auto", P, monday + timedelta(days=7), env={"NASHRA_DELIVERY": "smtp"}) == "none"
    assert resolve_channel("outbox", P, monday + timedelta(days=7), env={"NASHRA_DELIVERY": "smtp"}) == "outbox"


def test_an_unexpected_error_is_one_line_with_its_log_and_status_3(tmp_path, monkeypatch, capsys):
    from nashra import cli

    def broken(args):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(cli, "_handler", lambda command: broken)
    status = cli.main(["deliveries", "--state-dir", str(tmp_path)])
    err = capsys.readouterr().err
    assert status == 3 and err.count("\n") == 1 and "unexpected error: RuntimeError: disk on fire" in err
    [log] = (tmp_path / "logs").glob("nashra-error-*.log")
    assert str(log) in err and "Traceback" in log.read_text() and "Traceback" not in err


def test_version_and_defaults_in_help():
    assert nashra("--version").stdout.startswith("nashra ")
    help_text = nashra("run", "--help").stdout
    assert "(default: auto)" in help_text and "data/raw" in help_text


@pytest.mark.e2e
def test_a_week_where_nothing_arrived_is_built_but_held(tmp_path):
    """Issue 10 §2: no file at all for the period -> bulletins built, delivery held, exit 1."""
    import shutil

    from nashra.paths import RAW_DIR
    from tests.command import nashra

    raw = tmp_path / "raw"
    for period in ("2026-W45", "2026-W46"):
        shutil.copytree(RAW_DIR / period, raw / period)
    folders = ["--raw-dir", str(raw), "--out-dir", str(tmp_path / "out"), "--state-dir", str(tmp_path / "state")]
    result = nashra("run", "--period", "2026-W47", "--deliver", "outbox", *folders)
    assert result.returncode == 1, result.stderr
    assert "Aucun fichier reçu pour cette période" in result.stderr and "لم يصل أي ملف" in result.stderr
    assert "held (nothing arrived this week)" in result.stdout
    out = tmp_path / "out" / "2026-W47"
    assert len(list((out / "bulletins").glob("*.pdf"))) == 10 and not (out / "outbox").exists()
    listed = nashra("deliveries", "--period", "2026-W47", "--state-dir", str(tmp_path / "state"))
    assert listed.stdout.count("held") == 20
    released = nashra("deliver", "--period", "2026-W47", "--release", *folders[2:])
    assert released.returncode == 0, released.stderr
    assert len(list((out / "outbox").glob("*.eml"))) == 20
