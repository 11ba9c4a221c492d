"""ISO-week periods (SPEC §1): `YYYY-Www`, Monday to Sunday, Africa/Casablanca."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

TIMEZONE = ZoneInfo("Africa/Casablanca")
PERIOD_PATTERN = re.compile(r"^(\d{4})-W(\d{2})$")


class PeriodError(ValueError):
    """A period string that is not a valid ISO week."""


@dataclass(frozen=True, order=True)
class Period:
    year: int
    week: int

    @classmethod
    def parse(cls, text: str) -> Period:
        match = PERIOD_PATTERN.match(text.strip().upper())
        if not match:
            raise PeriodError(f"period {text!r} is not an ISO week such as 2026-W39")
        year, week = int(match[1]), int(match[2])
        try:
            date.fromisocalendar(year, week, 1)
        except ValueError:
            raise PeriodError(f"period {text!r} does not exist: {year} has no week {week}") from None
        return cls(year, week)

    @classmethod
    def parse_past(cls, text: str, today: date | None = None) -> Period:
        """A period that has ended or ends today: one whose as-of Sunday is after today (in
        Casablanca) has no data yet and is refused (SPEC §8)."""
        period = cls.parse(text)
        today = today or datetime.now(TIMEZONE).date()
        if period.as_of > today:
            raise PeriodError(
                f"period {period} ends on {period.as_of:%d/%m/%Y}, after today ({today:%d/%m/%Y}): "
                "only a week that has ended can be run"
            )
        return period

    @classmethod
    def containing(cls, day: date) -> Period:
        iso = day.isocalendar()
        return cls(iso.year, iso.week)

    @classmethod
    def last_complete(cls, now: datetime | None = None) -> Period:
        """The ISO week that has most recently ended, in Casablanca time."""
        now = now.astimezone(TIMEZONE) if now else datetime.now(TIMEZONE)
        return cls.containing(now.date()).previous()

    @property
    def monday(self) -> date:
        return date.fromisocalendar(self.year, self.week, 1)

    @property
    def as_of(self) -> date:
        """The period's Sunday: every cumulative figure is stated as of this day."""
        return self.monday + timedelta(days=6)

    def previous(self) -> Period:
        return Period.containing(self.monday - timedelta(days=7))

    def next(self) -> Period:
        return Period.containing(self.monday + timedelta(days=7))

    def recent(self, count: int) -> list[Period]:
        """This period and the `count - 1` before it, oldest first."""
        periods = [self]
        while len(periods) < count:
            periods.append(periods[-1].previous())
        return periods[::-1]

    def __str__(self) -> str:
        return f"{self.year}-W{self.week:02d}"


DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
DAYS_AR = ("الإثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد")
DAYS_FR = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


@dataclass(frozen=True)
class WeeklyTime:
    """A time of the week in Africa/Casablanca, as programme.csv writes it (`Monday 07:00`): when
    the bulletins are made, when the reminders go out."""

    day: int  # 0 = Monday
    hour: int
    minute: int

    @classmethod
    def parse(cls, text: str) -> WeeklyTime:
        found = re.fullmatch(r"\s*([A-Za-z]+)\s+(\d{1,2}):(\d{2})\s*", text)
        if not found or found.group(1).lower() not in DAYS or int(found.group(2)) > 23 or int(found.group(3)) > 59:
            raise PeriodError(f"{text!r} is not a day and time such as 'Monday 07:00'")
        return cls(DAYS.index(found.group(1).lower()), int(found.group(2)), int(found.group(3)))

    @property
    def cron(self) -> str:
        """The same time as a cron line (Prefect's schedules; cron counts Sunday as 0)."""
        return f"{self.minute} {self.hour} * * {(self.day + 1) % 7}"

    @property
    def words(self) -> tuple[str, str]:
        """`(الإثنين على الساعة 07:00, lundi à 07:00)`."""
        clock = f"{self.hour:02d}:{self.minute:02d}"
        return f"{DAYS_AR[self.day]} على الساعة {clock}", f"{DAYS_FR[self.day]} à {clock}"
