"""A tiny progress channel: steps report (stage, detail); the CLI listens and shows it.

Kept apart from logging so the terminal shows what a person wants to see while the run works.
"""

from __future__ import annotations

from collections.abc import Callable

_listeners: list[Callable[[str, str], None]] = []


def listen(callback: Callable[[str, str], None]) -> None:
    _listeners.append(callback)


def clear() -> None:
    _listeners.clear()


def report(stage: str, detail: str = "") -> None:
    for callback in list(_listeners):
        callback(stage, detail)
