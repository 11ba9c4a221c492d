"""What a run is asked, parsed and checked once at the edge -- the CLI, or the flow's parameters
when a deployment starts it -- and passed on as values: a `Period`, `RunPaths`, a channel."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from nashra.paths import RunPaths
from nashra.periods import Period
from nashra.settings import DeliverySettings, InputLimits, history_database_url, resolve_channel, worker_count


@dataclass(frozen=True)
class RunRequest:
    period: Period
    paths: RunPaths
    channel: str  # outbox | smtp | none (`auto` resolved)

    @classmethod
    def parse(
        cls, period: Period | str | None, paths: RunPaths, deliver: str, scheduled_for: datetime | None = None
    ) -> RunRequest:
        """The period (the week before `scheduled_for` when not given; a period that has not
        ended is refused), the channel (`auto` resolved; a typo refused) and every setting the
        run will read from the environment. Raises PeriodError or SettingsError."""
        if isinstance(period, str) and period:
            period = Period.parse_past(period)
        elif not period:
            period = Period.last_complete(scheduled_for)
        channel = resolve_channel(deliver, period, scheduled_for)
        DeliverySettings.for_channel(channel)
        InputLimits.from_env()
        worker_count()
        history_database_url(paths.state_dir)
        return cls(period, paths, channel)
