"""How a composed message leaves: written to the outbox folder, or sent over SMTP.

SMTP: one connection per delivery round, STARTTLS / SSL / plain as configured, socket
timeouts set (Prefect cannot interrupt blocking I/O), the password taken from the settings'
secret at connection time and never logged.
"""

from __future__ import annotations

import contextlib
import re
import smtplib
import ssl
from email.message import EmailMessage
from pathlib import Path

from nashra.settings import SmtpSettings
from tasks.outputs import write_atomic


class ServerUnreachable(ConnectionError):
    """The SMTP server cannot be reached or refused the login: no message can go this round."""


class OutboxTransport:
    """The embedded default: each message as an .eml file in the period's outbox folder."""

    channel = "outbox"

    def __init__(self, folder: Path):
        self.folder = Path(folder)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def send(self, message: EmailMessage, name: str) -> None:
        safe = re.sub(r"[^A-Za-z0-9@._-]+", "_", name)
        write_atomic(self.folder / f"{safe}.eml", message.as_bytes())


class SmtpTransport:
    channel = "smtp"

    def __init__(self, settings: SmtpSettings):
        self.settings = settings
        self.server: smtplib.SMTP | None = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def close(self) -> None:
        if self.server is not None:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                self.server.quit()
            self.server = None

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        try:
            if s.security == "ssl":
                server = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=ssl.create_default_context())
            else:
                server = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
                if s.security == "starttls":
                    server.starttls(context=ssl.create_default_context())
            if s.user:
                server.login(s.user, s.secret() or "")
        except smtplib.SMTPAuthenticationError as error:
            raise ServerUnreachable(f"login refused for {s.user} on {s.host}:{s.port} ({error.smtp_code})") from None
        except (OSError, smtplib.SMTPException) as error:
            raise ServerUnreachable(f"cannot reach {s.host}:{s.port}: {type(error).__name__}: {error}") from None
        return server

    def send(self, message: EmailMessage, name: str) -> None:
        if self.server is None:
            self.server = self._connect()
        try:
            self.server.send_message(message)
        except smtplib.SMTPServerDisconnected:
            self.server = None
            raise


def transport_for(channel: str, settings, outbox: Path):
    """The transport of a delivery channel: `outbox`, `smtp`, or None for `none` (record only)."""
    if channel == "outbox":
        return OutboxTransport(outbox)
    if channel == "smtp":
        return SmtpTransport(settings.smtp)
    return None
