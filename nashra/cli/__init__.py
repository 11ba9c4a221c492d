"""`nashra`: the command line. Settings are resolved here, at the edge, and passed in; errors a
person can fix are one line (exit 2), an unexpected one is one line naming its log (exit 3):
never a traceback (exit statuses in nashra/commands/__init__.py)."""

from __future__ import annotations

import argparse
import atexit
import logging
import os
import sys
from pathlib import Path

from nashra import __version__
from nashra.cli.common import (
    EXIT_BROKEN_PIPE,
    EXIT_INTERRUPTED,
    EXIT_MACHINE,
    CommandError,
    fail,
    internal_error,
    machine_fault,
    say,
)
from nashra.paths import NATIONAL_DIR, NATIONAL_RAW_DIR, RAW_DIR, REFERENCE_DIR, REPORTS_DIR, STATE_DIR
from nashra.settings import CHANNELS, SENDING_CHANNELS
from schemas.headers import SOURCES

HELP = argparse.ArgumentDefaultsHelpFormatter
FOLDER_HELP = {
    "raw-dir": "the weekly drops, <period>/<CODE>/<source>.csv|xlsx",
    "reference-dir": "directorates, exams, targets, programme, recipients",
    "out-dir": "where each period's reports are written",
    "state-dir": "the delivery ledger, caches and error logs",
}


class Parser(argparse.ArgumentParser):
    """A wrong call is one line (the usage stays in --help), exit 2."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _folders(command: argparse.ArgumentParser, *names: str) -> None:
    defaults = {"raw-dir": RAW_DIR, "reference-dir": REFERENCE_DIR, "out-dir": REPORTS_DIR, "state-dir": STATE_DIR}
    for name in names:
        command.add_argument(f"--{name}", type=Path, default=defaults[name], help=FOLDER_HELP[name])


def parser() -> argparse.ArgumentParser:
    root = Parser(prog="nashra", description="Bulletins hebdomadaires MOS — AREF Fès-Meknès")
    root.add_argument("--version", action="version", version=f"nashra {__version__}")
    commands = root.add_subparsers(dest="command", required=True, parser_class=Parser)
    _weekly_commands(commands)
    _delivery_commands(commands)
    return root


def _weekly_commands(commands) -> None:
    """run, check, serve, backfill: the weekly flow and what a clerk runs before sending."""
    run = commands.add_parser("run", help="run the weekly flow for one period", formatter_class=HELP)
    run.add_argument("--period", help="ISO week, e.g. 2026-W47 (default: the last complete week)")
    _folders(run, "raw-dir", "reference-dir", "out-dir", "state-dir")
    run.add_argument(
        "--deliver",
        choices=CHANNELS,
        default="auto",
        help="auto: the week just ended is delivered (by NASHRA_DELIVERY), a past period is not",
    )
    run.add_argument("--verbose", action="store_true", help="show Prefect's logs")

    national = commands.add_parser(
        "national",
        help="every academy's weekly run on the work pool, then the national ranking",
        formatter_class=HELP,
    )
    national.add_argument("--period", help="ISO week, e.g. 2026-W47 (default: the last complete week)")
    national.add_argument(
        "--national-dir",
        type=Path,
        default=NATIONAL_DIR,
        help="folder of academies.csv, the national programme and recipients",
    )
    national.add_argument(
        "--raw-dir",
        type=Path,
        default=NATIONAL_RAW_DIR,
        help="one folder of weekly drops per academy code",
    )
    _folders(national, "out-dir", "state-dir")
    national.add_argument(
        "--deliver",
        choices=CHANNELS,
        default="auto",
        help="how the bulletins are delivered (every academy's and the national one)",
    )
    national.add_argument("--verbose", action="store_true", help="show Prefect's logs")

    check = commands.add_parser(
        "check",
        help="check one file before sending it (Arabic and French)",
        description="مراقبة ملف قبل إرساله، كما ستراقبه المعالجة الأسبوعية. / "
        "Contrôler un fichier avant de l'envoyer, comme le traitement hebdomadaire le fera.",
        formatter_class=HELP,
    )
    check.add_argument("file", type=Path, help="الملف المراد مراقبته / le fichier à contrôler (.csv, .xlsx)")
    check.add_argument(
        "--source",
        choices=list(SOURCES),
        help="نوع الملف، إن لم يدل عليه اسمه ولا عناوينه / "
        "le type de fichier, si ni son nom ni ses en-têtes ne le disent",
    )
    check.add_argument(
        "--directorate", help="رمز المديرية، مثل FES / le code de la direction, ex. FES (vérifie ses vouchers)"
    )
    check.add_argument(
        "--period",
        help="الأسبوع، مثل 2026-W47 / la semaine, ex. 2026-W47 (défaut : la dernière semaine complète)",
    )
    _folders(check, "reference-dir")

    commands.add_parser("serve", help="serve the weekly schedule on a Prefect server (PREFECT_API_URL)")

    remind = commands.add_parser(
        "remind", help="remind the directorates whose files are not in yet (before the bulletins)", formatter_class=HELP
    )
    remind.add_argument("--period", help="ISO week (default: the last complete week)")
    remind.add_argument("--dry-run", action="store_true", help="list who would be written to; write nothing")
    remind.add_argument("--deliver", choices=CHANNELS, default="auto", help="how the reminders are sent")
    remind.add_argument("--verbose", action="store_true", help="show Prefect's logs")
    _folders(remind, "raw-dir", "reference-dir", "out-dir", "state-dir")

    history = commands.add_parser(
        "history", help="a directorate's weeks, or one week, from the history database", formatter_class=HELP
    )
    which = history.add_mutually_exclusive_group(required=True)
    which.add_argument("--directorate", help="its series: rank, score, the three rates, status per week")
    which.add_argument("--period", help="one ISO week across directorates")
    history.add_argument("--from", dest="start", help="first ISO week of the series")
    history.add_argument("--to", dest="end", help="last ISO week of the series")
    history.add_argument("--csv", action="store_true", help="CSV on standard output")
    _folders(history, "state-dir")

    explain = commands.add_parser(
        "explain",
        help="a directorate's figures of a week already run, down to their rows and files",
        formatter_class=HELP,
    )
    explain.add_argument("--period", required=True, help="ISO week run, e.g. 2026-W47")
    explain.add_argument("--directorate", required=True, help="its code, e.g. FES")
    explain.add_argument("--figure", help="one figure of SPEC §4 (default: every one), e.g. consumption_rate")
    explain.add_argument("--csv", action="store_true", help="the numbers as CSV on standard output")
    _folders(explain, "out-dir")

    backfill = commands.add_parser(
        "backfill", help="run periods in order, or describe them with --dry-run", formatter_class=HELP
    )
    backfill.add_argument("--from", dest="start", required=True)
    backfill.add_argument("--to", dest="end", required=True)
    backfill.add_argument("--dry-run", action="store_true")
    backfill.add_argument("--deliver", choices=CHANNELS, default="none")
    backfill.add_argument("--verbose", action="store_true")
    _folders(backfill, "raw-dir", "reference-dir", "out-dir", "state-dir")


def _delivery_commands(commands) -> None:
    """deliver, deliveries, ledger: what was sent, and sending what waits."""
    deliver = commands.add_parser("deliver", help="send what is waiting for a period", formatter_class=HELP)
    deliver.add_argument("--period", help="ISO week (default: the last complete week)")
    deliver.add_argument("--channel", choices=SENDING_CHANNELS, default="outbox")
    deliver.add_argument("--release", action="store_true", help="send the messages held because nothing arrived")
    deliver.add_argument("--retry-refused", action="store_true", help="send again what the server refused (5xx)")
    _folders(deliver, "out-dir", "state-dir")

    deliveries = commands.add_parser("deliveries", help="the delivery ledger of a period", formatter_class=HELP)
    deliveries.add_argument("--period", help="ISO week (default: the last complete week)")
    _folders(deliveries, "state-dir")

    ledger = commands.add_parser("ledger", help="the delivery ledger itself", formatter_class=HELP)
    ledger.add_argument("action", choices=["rebuild"], help="rebuild: restore what was sent from the manifests")
    _folders(ledger, "out-dir", "state-dir")


def _handler(command: str):
    from nashra.cli import check, deliver, explain, history, national, remind, run, schedule

    return {
        "run": run.run,
        "national": national.national,
        "check": check.check,
        "deliver": deliver.deliver,
        "deliveries": deliver.deliveries,
        "ledger": deliver.rebuild,
        "serve": schedule.serve,
        "backfill": schedule.backfill,
        "history": history.history,
        "explain": explain.explain,
        "remind": remind.remind,
    }[command]


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.command in ("run", "backfill", "remind"):
        from nashra.cli.guard import start_guard

        start_guard()  # a killed run leaves no process behind
    try:
        return _handler(args.command)(args)
    except CommandError as error:
        return fail(str(error))
    except KeyboardInterrupt:
        fail("interrupted")
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # `nashra explain … | head`: the reader has read enough
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # what is left unwritten goes nowhere
        return EXIT_BROKEN_PIPE
    except Exception as error:  # one line and a log file, never a traceback on the terminal
        folders = {f"{name} folder": getattr(args, f"{name}_dir", None) for name in ("out", "state")}
        if fault := machine_fault(error, {name: path for name, path in folders.items() if path}):
            say(f"nashra: stopped: {fault}")
            return EXIT_MACHINE
        return internal_error(error, getattr(args, "state_dir", STATE_DIR) / "logs")


def entry() -> None:
    """The `nashra` command (and `python -m nashra.cli`): `main`, then an end without Python's
    teardown. Once the exit handlers have run (Prefect's logs and events sent, the worker
    processes stopped, logging flushed), unloading the libraries a run has loaded took 1.3-1.6 s
    here, for nothing. Only for the command: a caller of `main` in its own process ends as usual."""
    from nashra.cli.guard import end_on_interrupt

    end_on_interrupt("nashra: interrupted: nothing half-written is kept; run the same command again", EXIT_INTERRUPTED)
    status: list[int] = []
    atexit.register(_end_without_teardown, status)  # after logging's, so it runs before it
    status.append(main())
    sys.exit(status[0])


def _end_without_teardown(status: list[int]) -> None:
    """The last exit handler: flush what is left and end with `main`'s status. If `main` did not
    return (a wrong call, which argparse ends itself), Python ends as usual."""
    if not status:
        return
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status[0])


if __name__ == "__main__":
    entry()
