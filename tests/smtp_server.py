"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives, for the delivery tests."""

from __future__ import annotations

import asyncio
import email
import socket
from email import policy

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

USER, PASSWORD = "nashra", "s3cr3t-Pa55-do-not-log"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Inbox:
    """Keeps what it receives. A misbehaving server on demand: `refuse` (addresses answered 550 at
    RCPT), `silent_seconds` (DATA read, then no answer for that long), `drop_after_data` (the
    connection closed once the message is in, with no answer)."""

    def __init__(self):
        self.messages: list = []
        self.envelopes: list = []
        self.refuse: set[str] = set()
        self.silent_seconds = 0.0
        self.drop_after_data = False

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        self.messages.append(email.message_from_bytes(envelope.original_content, policy=policy.default))
        if self.drop_after_data:
            server.transport.close()
            return "250 never seen"
        if self.silent_seconds:
            await asyncio.sleep(self.silent_seconds)
        return "250 Message accepted"

    def message_ids(self) -> list[str]:
        return [m["Message-ID"] for m in self.messages]


def authenticate(server, session, envelope, mechanism, auth_data):
    ok = (
        isinstance(auth_data, LoginPassword)
        and auth_data.login == USER.encode()
        and auth_data.password == PASSWORD.encode()
    )
    return AuthResult(success=ok)


class SmtpServer:
    """Start/stop a loopback SMTP server that requires the test login."""

    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.inbox = Inbox()
        self.controller = None

    def start(self) -> SmtpServer:
        self.controller = Controller(
            self.inbox,
            hostname="127.0.0.1",
            port=self.port,
            authenticator=authenticate,
            auth_require_tls=False,
            auth_required=True,
        )
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller:
            self.controller.stop()
            self.controller = None

    def env(self, **extra) -> dict[str, str]:
        return {
            "NASHRA_SMTP_HOST": "127.0.0.1",
            "NASHRA_SMTP_PORT": str(self.port),
            "NASHRA_SMTP_SECURITY": "none",
            "NASHRA_SMTP_USER": USER,
            "NASHRA_SMTP_PASSWORD": PASSWORD,
            "NASHRA_SMTP_TIMEOUT": "5",
            **extra,
        }
