"""`nashra …` called in this process, as the terminal would call it but without a process of its
own (issue 25: the command line is tested in-process wherever the process itself — its signals,
its guard, its end — is not what is tested): its exit status and what it printed."""

from __future__ import annotations

import io
import os
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from unittest import mock


@dataclass(frozen=True)
class Done:
    """What a command left: as `subprocess.run` gives it."""

    returncode: int
    stdout: str
    stderr: str


def nashra(*args: object, env: dict[str, str] | None = None) -> Done:
    """`nashra *args` with `env` added to the environment for the call (restored after). The
    guard process is not started: it watches the process a command runs in, here the tests'."""
    from nashra.cli import main

    out, err = io.StringIO(), io.StringIO()
    no_guard = mock.patch("nashra.cli.guard.start_guard")
    with mock.patch.dict(os.environ, env or {}), redirect_stdout(out), redirect_stderr(err), no_guard:
        try:
            status = main([str(arg) for arg in args])
        except SystemExit as end:  # a wrong call, which argparse ends itself
            status = end.code if isinstance(end.code, int) else 2
    return Done(status, out.getvalue(), err.getvalue())
