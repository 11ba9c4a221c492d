"""The weekly schedule: Monday 07:00 Africa/Casablanca, for the week that has just ended.

`nashra serve` serves this deployment (named `served`) from the process that runs it;
`prefect.yaml` deploys the same flow to a work pool of a self-hosted server (named `weekly`).
The two names differ so that one never overwrites or pauses the other: stopping `nashra serve`
pauses the `served` deployment's schedule (Prefect does so when a serve process stops), and
starting it again resumes it. Missed runs are not piled up: the
deployment keeps no catch-up, and a late run still processes the week it was scheduled for and
sends nothing the delivery ledger has already sent.
"""

from __future__ import annotations

from prefect.schedules import Cron, Schedule

from flows.weekly import weekly_bulletins

CRON = "0 7 * * 1"
TIMEZONE = "Africa/Casablanca"
DEPLOYMENT = "served"


def weekly_schedule() -> Schedule:
    # period None: the flow takes the week before its scheduled time; deliver auto: that week is delivered.
    return Cron(CRON, timezone=TIMEZONE, parameters={"period": None, "deliver": "auto"})


def weekly_deployment():
    """The served deployment (a RunnerDeployment), with its schedule and default parameters."""
    return weekly_bulletins.to_deployment(
        name=DEPLOYMENT,
        schedules=[weekly_schedule()],
        parameters={"period": None, "deliver": "auto"},
        description="Weekly MOS bulletins of AREF Fès-Meknès, Monday 07:00 Africa/Casablanca",
        tags=["nashra"],
    )
