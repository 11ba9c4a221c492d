"""Delivery settings, read once at the edge from the environment (never from a committed file).

| variable | meaning |
|---|---|
| NASHRA_SMTP_HOST, NASHRA_SMTP_PORT | the SMTP server (port default: 587 starttls, 465 ssl, 25 none) |
| NASHRA_SMTP_SECURITY | `starttls` (default), `ssl` or `none` |
| NASHRA_SMTP_USER | login, when the server wants one |
| NASHRA_SMTP_PASSWORD | its password; or NASHRA_SMTP_PASSWORD_BLOCK, the name of a Prefect Secret block |
| NASHRA_SMTP_FROM | the sender address (default: the outbox's) |
| NASHRA_SMTP_TIMEOUT | seconds before a silent server counts as down (default 20) |
| NASHRA_MAX_MESSAGE_BYTES | the attachment budget of one message (default 8 MB) |
| NASHRA_WORKERS | worker processes of a run (default: one per core) |
| NASHRA_MAX_ROWS | rows of one input file beyond which it is rejected (default 500 000) |
| NASHRA_MAX_XLSX_MB | what a workbook may inflate to, in MB, before it is opened (default 256) |
| NASHRA_MAX_XLSX_RATIO | how many times its compressed size a workbook of over 10 MB may inflate (default 100) |
| NASHRA_DATABASE_URL | the history database (default: SQLite `history.sqlite` in the state folder) |
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

CHANNELS = ("auto", "outbox", "smtp", "none")  # what a run may be asked; `auto` resolves to one of the others
SENDING_CHANNELS = ("outbox", "smtp")  # NASHRA_DELIVERY, `nashra deliver --channel`
DEFAULT_SENDER = "Nashra — CRSI Fès-Meknès <nashra@aref-fm.example>"
DEFAULT_MAX_MESSAGE_BYTES = 8 * 1024 * 1024
SECURITIES = ("starttls", "ssl", "none")


def _environment(env: Mapping[str, str] | None) -> Mapping[str, str]:
    """The process environment, or the mapping a test gives."""
    return os.environ if env is None else env


class SettingsError(ValueError):
    """A delivery setting is missing or wrong; the message names the variable."""


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    security: str = "starttls"
    user: str | None = None
    password: str | None = field(default=None, repr=False)  # never printed, never logged
    password_block: str | None = None
    timeout: float = 20.0

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> SmtpSettings:
        env = _environment(env)
        host = env.get("NASHRA_SMTP_HOST")
        if not host:
            raise SettingsError("NASHRA_SMTP_HOST is not set: SMTP delivery needs a server")
        security = env.get("NASHRA_SMTP_SECURITY", "starttls").lower()
        if security not in SECURITIES:
            raise SettingsError(f"NASHRA_SMTP_SECURITY must be one of {', '.join(SECURITIES)}, not {security!r}")
        default_port = {"starttls": 587, "ssl": 465, "none": 25}[security]
        try:
            port = int(env.get("NASHRA_SMTP_PORT", default_port))
            timeout = float(env.get("NASHRA_SMTP_TIMEOUT", 20))
        except ValueError:
            raise SettingsError("NASHRA_SMTP_PORT and NASHRA_SMTP_TIMEOUT must be numbers") from None
        return cls(
            host,
            port,
            security,
            env.get("NASHRA_SMTP_USER") or None,
            env.get("NASHRA_SMTP_PASSWORD") or None,
            env.get("NASHRA_SMTP_PASSWORD_BLOCK") or None,
            timeout,
        )

    def secret(self) -> str | None:
        """The password, from the environment or from the named Prefect Secret block."""
        if self.password or not self.password_block:
            return self.password
        from prefect.blocks.system import Secret

        return Secret.load(self.password_block).get()  # type: ignore[union-attr]


@dataclass(frozen=True)
class DeliverySettings:
    channel: str = "outbox"  # outbox | smtp
    sender: str = DEFAULT_SENDER
    max_message_bytes: int = DEFAULT_MAX_MESSAGE_BYTES
    smtp: SmtpSettings | None = None

    @classmethod
    def for_channel(cls, channel: str, env: Mapping[str, str] | None = None) -> DeliverySettings:
        env = _environment(env)
        try:
            budget = int(env.get("NASHRA_MAX_MESSAGE_BYTES", DEFAULT_MAX_MESSAGE_BYTES))
        except ValueError:
            raise SettingsError("NASHRA_MAX_MESSAGE_BYTES must be a number of bytes") from None
        smtp = SmtpSettings.from_env(env) if channel == "smtp" else None
        return cls(channel, env.get("NASHRA_SMTP_FROM") or DEFAULT_SENDER, budget, smtp)


def resolve_channel(choice: str, period, scheduled_for=None, env: Mapping[str, str] | None = None) -> str:
    """`auto`: the week that had just ended at the (scheduled) run time is delivered by the
    configured channel (NASHRA_DELIVERY, default outbox); any other period is not, unless asked.

    A channel that is not one of the known words is refused, wherever it comes from: a typo
    would otherwise send nothing and report success."""
    if choice not in CHANNELS:
        raise SettingsError(f"delivery channel {choice!r} is not one of {', '.join(CHANNELS)}")
    env = _environment(env)
    configured = env.get("NASHRA_DELIVERY", "outbox").strip().lower()
    if configured not in SENDING_CHANNELS:
        raise SettingsError(f"NASHRA_DELIVERY={configured!r} is not one of {', '.join(SENDING_CHANNELS)}")
    if choice != "auto":
        return choice
    from nashra.periods import Period

    return configured if period == Period.last_complete(scheduled_for) else "none"


@dataclass(frozen=True)
class InputLimits:
    """What one input file may cost before it is rejected unread (SPEC §8): a zip bomb or a file
    of millions of rows must not take the run's memory. Real weekly files are far below: a
    directorate sends about 20 000 rows; workbooks inflate 8-10 times."""

    max_rows: int = 500_000
    max_xlsx_bytes: int = 256 * 1024 * 1024
    max_xlsx_ratio: float = 100.0
    ratio_from_bytes: int = 10 * 1024 * 1024  # small workbooks may compress very well, harmlessly

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> InputLimits:
        env = _environment(env)
        values = {}
        for variable, name, scale in (
            ("NASHRA_MAX_ROWS", "max_rows", 1),
            ("NASHRA_MAX_XLSX_MB", "max_xlsx_bytes", 1024 * 1024),
            ("NASHRA_MAX_XLSX_RATIO", "max_xlsx_ratio", 1),
        ):
            text = env.get(variable, "").strip()
            if not text:
                continue
            try:
                value = float(text)
            except ValueError:
                value = 0
            if value <= 0:
                raise SettingsError(f"{variable}={text!r}: expected a positive number")
            values[name] = type(getattr(cls, name))(value * scale)
        return cls(**values)


def worker_count(env: Mapping[str, str] | None = None) -> int:
    """`NASHRA_WORKERS` if set (fewer workers, less memory: each holds a directorate's files
    while it checks them), else one per core this process may use."""
    env = _environment(env)
    configured = env.get("NASHRA_WORKERS", "").strip()
    if configured:
        if not configured.isdigit() or int(configured) < 1:
            raise SettingsError(f"NASHRA_WORKERS={configured!r}: expected a whole number of processes, 1 or more")
        return int(configured)
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def dask_address(env: Mapping[str, str] | None = None) -> str | None:
    """`NASHRA_DASK_ADDRESS` (`tcp://host:port` of a Dask scheduler): one run's reading and
    layout go to that cluster instead of the local worker processes; unset, they stay local."""
    address = _environment(env).get("NASHRA_DASK_ADDRESS", "").strip()
    if not address:
        return None
    if not re.fullmatch(r"(tcp|tls)://[^\s/:]+:\d{1,5}", address):
        raise SettingsError(
            f"NASHRA_DASK_ADDRESS={address!r}: expected a Dask scheduler's address, such as tcp://10.0.0.5:8786"
        )
    return address


def history_database_url(state_dir, env: Mapping[str, str] | None = None) -> str:
    """`NASHRA_DATABASE_URL` (an SQLAlchemy URL; a bare `postgresql://` uses psycopg 3, the driver
    installed), else SQLite in the state folder. A malformed URL is refused, naming the variable
    and never the password."""
    from pathlib import Path

    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    setting = _environment(env).get("NASHRA_DATABASE_URL", "").strip()
    if not setting:
        return f"sqlite:///{Path(state_dir) / 'history.sqlite'}"
    try:
        url = make_url(setting)
    except ArgumentError:
        raise SettingsError(
            "NASHRA_DATABASE_URL is not a database URL (e.g. postgresql://user:…@host/nashra)"
        ) from None
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    return url.render_as_string(hide_password=False)
