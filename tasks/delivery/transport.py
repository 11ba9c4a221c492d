"""How a composed message leaves: written to the outbox folder, or sent over SMTP.

SMTP: one connection per delivery round, STARTTLS / SSL / plain as configured, socket
timeouts set (Prefect cannot interrupt blocking I/O), the password taken from the settings'
secret at connection time and never logged.

`send` calls `before_data()` just before the message itself leaves (SMTP DATA, or the outbox
write), so the ledger can record the attempt as in doubt first: whatever happens after that
point, the message may have arrived, and it is sent again at most once (SPEC §8).
"""

from __future__ import annotations

import contextlib
import re
import smtplib
import ssl
from collections.abc import Callable
from email.message import EmailMessage
from email.utils import getaddresses, parseaddr
from pathlib import Path

from nashra.settings import SmtpSettings
from tasks.files import write_atomic


class ServerUnreachable(ConnectionError):
    """The SMTP server cannot be reached, refused the login or stopped answering: no further
    message goes this round (a round lasts about one timeout, not one per message)."""


class Refused(Exception):
    """A permanent refusal (5xx) of this message or recipient: not retried automatically."""


class NotSent(OSError):
    """The message surely did not leave (the outbox file could not be written: a full disk): it
    stays to send, never in doubt, and nobody else is tried this round."""


def _nothing() -> None:
    return None


class OutboxTransport:
    """The embedded default: each message as an .eml file in the period's outbox folder."""

    channel = "outbox"

    def __init__(self, folder: Path):
        self.folder = Path(folder)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def send(self, message: EmailMessage, name: str, before_data: Callable[[], None] = _nothing) -> None:
        safe = re.sub(r"[^A-Za-z0-9@._-]+", "_", name)
        before_data()
        try:  # atomic: a write that raised left no message in the outbox
            write_atomic(self.folder / f"{safe}.eml", message.as_bytes())
        except OSError as error:
            raise NotSent(error.errno, f"{error.strerror} (writing {error.filename or self.folder})") from error


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
            server: smtplib.SMTP
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

    def send(self, message: EmailMessage, name: str, before_data: Callable[[], None] = _nothing) -> None:
        """MAIL, RCPT, then `before_data()`, then DATA. A 5xx raises Refused, a timeout
        ServerUnreachable; a 4xx or a dropped connection raises as smtplib does."""
        if self.server is None:
            self.server = self._connect()
        try:
            self._converse(self.server, message, before_data)
        except (TimeoutError, smtplib.SMTPServerDisconnected) as error:
            self.close_quietly()
            # smtplib reports a read that timed out as a disconnection: it is a silent server
            if isinstance(error, TimeoutError) or isinstance(error.__context__, TimeoutError):
                s = self.settings
                raise ServerUnreachable(f"{s.host}:{s.port} did not answer within {s.timeout:g} s") from None
            raise

    def close_quietly(self) -> None:
        if self.server is not None:
            with contextlib.suppress(Exception):
                self.server.close()
            self.server = None

    @staticmethod
    def _converse(server: smtplib.SMTP, message: EmailMessage, before_data: Callable[[], None]) -> None:
        sender = parseaddr(str(message["From"]))[1]
        recipients = [address for _, address in getaddresses([str(v) for v in message.get_all("To", [])])]
        server.ehlo_or_helo_if_needed()
        for command, argument in [("mail", sender), *(("rcpt", r) for r in recipients)]:
            code, words = getattr(server, command)(argument)
            if code >= 400:
                with contextlib.suppress(smtplib.SMTPException, OSError):
                    server.rset()
                _refuse_or_raise(code, words, f"{command.upper()} {argument}")
        before_data()
        code, words = server.data(message.as_bytes(policy=message.policy.clone(linesep="\r\n")))
        if code != 250:
            _refuse_or_raise(code, words, "DATA")


def _refuse_or_raise(code: int, words: bytes, step: str) -> None:
    text = f"{code} {words.decode('utf-8', 'replace')} ({step})"
    if 500 <= code < 600:
        raise Refused(text)
    raise smtplib.SMTPResponseException(code, text)


def transport_for(channel: str, settings, outbox: Path):
    """The transport of a delivery channel: `outbox`, `smtp`, or None for `none` (record only)."""
    if channel == "outbox":
        return OutboxTransport(outbox)
    if channel == "smtp":
        return SmtpTransport(settings.smtp)
    return None
