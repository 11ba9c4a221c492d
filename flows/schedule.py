"""The weekly schedules, for the week that has just ended: the bulletins (Monday 07:00
Africa/Casablanca by default) and the reminders (Monday 06:00), at the times programme.csv gives.

`nashra serve` serves these deployments (named `served`, `served-reminders`) from the process
that runs it; `prefect.yaml` deploys the same flows to a work pool of a self-hosted server (named
`weekly`, `reminders`; tests/delivery/test_reminders.py checks its times are programme.csv's).
The names differ so that one never overwrites or pauses the other: stopping `nashra serve`
pauses the `served` deployment's schedule (Prefect does so when a serve process stops), and
starting it again resumes it. Missed runs are not piled up: the
deployment keeps no catch-up, and a late run still processes the week it was scheduled for and
sends nothing the delivery ledger has already sent.
"""

from __future__ import annotations

from prefect.schedules import Cron, Schedule

from flows.reminders import weekly_reminders
from flows.weekly import weekly_bulletins
from nashra.paths import REFERENCE_DIR
from nashra.reference import load_reference

TIMEZONE = "Africa/Casablanca"
DEPLOYMENT, REMINDERS_DEPLOYMENT = "served", "served-reminders"
# period None: the flow takes the week before its scheduled time; deliver auto: that week is delivered.
PARAMETERS = {"period": None, "deliver": "auto"}


def weekly_schedule(cron: str) -> Schedule:
    return Cron(cron, timezone=TIMEZONE, parameters=PARAMETERS)


def served_deployments(reference_dir=REFERENCE_DIR) -> list:
    """The served deployments (RunnerDeployments): the bulletins and, an hour before by default,
    the reminders, at the times of programme.csv (`bulletins_time`, `reminders_time`)."""
    reference = load_reference(reference_dir)
    bulletins, reminders = reference.bulletins_time, reference.reminders_time
    return [
        weekly_bulletins.to_deployment(
            name=DEPLOYMENT,
            schedules=[weekly_schedule(bulletins.cron)],
            parameters=PARAMETERS,
            description=f"Weekly MOS bulletins of AREF Fès-Meknès, {bulletins.words[1]} Africa/Casablanca",
            tags=["nashra"],
        ),
        weekly_reminders.to_deployment(
            name=REMINDERS_DEPLOYMENT,
            schedules=[weekly_schedule(reminders.cron)],
            parameters=PARAMETERS,
            description=f"Reminders to directorates whose files are not in, {reminders.words[1]} Africa/Casablanca",
            tags=["nashra", "reminders"],
        ),
    ]
