"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives, for the delivery tests."""

from __future__ import annotations

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
    def __init__(self):
        self.messages: list = []
        self.envelopes: list = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        self.messages.append(email.message_from_bytes(envelope.original_content, policy=policy.default))
        return "250 Message accepted"


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
