from datetime import date, datetime

import pytest

from nashra.periods import TIMEZONE, Period, PeriodError


@pytest.mark.parametrize(
    "text, monday, sunday",
    [
        ("2026-W39", date(2026, 9, 21), date(2026, 9, 27)),
        ("2026-W47", date(2026, 11, 16), date(2026, 11, 22)),
        ("2020-W53", date(2020, 12, 28), date(2021, 1, 3)),
    ],
)
def test_period_runs_monday_to_sunday_and_is_stated_as_of_its_sunday(text, monday, sunday):
    period = Period.parse(text)
    assert (period.monday, period.as_of, str(period)) == (monday, sunday, text)


@pytest.mark.parametrize(
    "text, previous", [("2026-W01", "2025-W52"), ("2021-W01", "2020-W53"), ("2026-W47", "2026-W46")]
)
def test_previous_period_is_the_iso_week_before(text, previous):
    assert str(Period.parse(text).previous()) == previous


@pytest.mark.parametrize("text", ["2026-47", "2026-W60", "2025-W53", "W47", "2026-w4", ""])
def test_wrong_period_strings_are_refused_with_a_message(text):
    with pytest.raises(PeriodError, match="period"):
        Period.parse(text)


def test_the_monday_schedule_processes_the_week_that_has_just_ended():
    monday_7am = datetime(2026, 11, 23, 7, 0, tzinfo=TIMEZONE)
    assert str(Period.last_complete(monday_7am)) == "2026-W47"
    sunday_night = datetime(2026, 11, 22, 23, 30, tzinfo=TIMEZONE)
    assert str(Period.last_complete(sunday_night)) == "2026-W46"
