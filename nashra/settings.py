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
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

DEFAULT_SENDER = "Nashra — CRSI Fès-Meknès <nashra@aref-fm.example>"
DEFAULT_MAX_MESSAGE_BYTES = 8 * 1024 * 1024
SECURITIES = ("starttls", "ssl", "none")


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
    def from_env(cls, env: dict | None = None) -> SmtpSettings:
        env = os.environ if env is None else env
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

        return Secret.load(self.password_block).get()


@dataclass(frozen=True)
class DeliverySettings:
    channel: str = "outbox"  # outbox | smtp
    sender: str = DEFAULT_SENDER
    max_message_bytes: int = DEFAULT_MAX_MESSAGE_BYTES
    smtp: SmtpSettings | None = None

    @classmethod
    def for_channel(cls, channel: str, env: dict | None = None) -> DeliverySettings:
        env = os.environ if env is None else env
        try:
            budget = int(env.get("NASHRA_MAX_MESSAGE_BYTES", DEFAULT_MAX_MESSAGE_BYTES))
        except ValueError:
            raise SettingsError("NASHRA_MAX_MESSAGE_BYTES must be a number of bytes") from None
        smtp = SmtpSettings.from_env(env) if channel == "smtp" else None
        return cls(channel, env.get("NASHRA_SMTP_FROM") or DEFAULT_SENDER, budget, smtp)


def resolve_channel(choice: str, period, scheduled_for=None, env: dict | None = None) -> str:
    """`auto`: the week that had just ended at the (scheduled) run time is delivered by the
    configured channel (NASHRA_DELIVERY, default outbox); any other period is not, unless asked."""
    if choice != "auto":
        return choice
    from nashra.periods import Period

    env = os.environ if env is None else env
    return env.get("NASHRA_DELIVERY", "outbox") if period == Period.last_complete(scheduled_for) else "none"
