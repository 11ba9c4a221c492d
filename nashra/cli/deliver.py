"""`nashra deliver` (send what is waiting), `nashra deliveries` (the ledger, as a table) and
`nashra ledger rebuild` (restore a lost ledger from the manifests)."""

from __future__ import annotations

import sys

from nashra.cli.common import EXIT_INCOMPLETE, EXIT_OK, CommandError, period_or_last, say
from nashra.paths import RunPaths


def _trusted_ledger(args, *, lost_is_fatal: bool = True):
    """The ledger of `--state-dir`, refused (exit 2) when unreadable, or lost while manifests
    record deliveries."""
    from tasks.delivery.ledger import Ledger, LedgerError
    from tasks.delivery.ledger_check import check_ledger, ledger_rows

    path = RunPaths(state_dir=args.state_dir).ledger
    try:
        check_ledger(path, args.out_dir) if lost_is_fatal else ledger_rows(path)
    except LedgerError as error:
        raise CommandError(str(error)) from None
    return Ledger(path)


def deliver(args) -> int:
    """Send every unsent edition of the period; exit 1 when some stay unsent."""
    from nashra.settings import DeliverySettings, SettingsError
    from tasks.delivery.ledger import HELD, PENDING, REFUSED, SENT, UNDELIVERED
    from tasks.delivery.rounds import deliver_round
    from tasks.delivery.transport import transport_for

    period = period_or_last(args.period)
    try:
        settings = DeliverySettings.for_channel(args.channel)
    except SettingsError as error:
        raise CommandError(str(error)) from None
    ledger = _trusted_ledger(args)
    if args.release:
        say(f"{period}: {ledger.move(str(period), HELD, PENDING)} held message(s) released")
    if args.retry_refused:
        say(f"{period}: {ledger.move(str(period), REFUSED, PENDING)} refused message(s) to send again")
    transport = transport_for(args.channel, settings, RunPaths(out_dir=args.out_dir).outbox(period))
    tried = deliver_round(period, ledger, transport, sender=settings.sender, budget=settings.max_message_bytes)
    after = {(e.recipient, e.kind, e.edition_key): e.status for e in ledger.entries(str(period))}
    sent = sum(after[(e.recipient, e.kind, e.edition_key)] == SENT for e in tried)
    left = [e for e in ledger.entries(str(period)) if e.status in UNDELIVERED]
    print(f"{period}: {sent} sent by {args.channel}, {len(left)} not sent")
    show(ledger, str(period))
    held = sum(e.status == HELD for e in left)
    if held:
        say(f"{held} message(s) held: nothing arrived for {period}; send them with `--release` if the center decides")
    return EXIT_INCOMPLETE if left else EXIT_OK


def deliveries(args) -> int:
    period = period_or_last(args.period, ended=False)
    show(_trusted_ledger(args, lost_is_fatal=False), str(period))
    return EXIT_OK


def rebuild(args) -> int:
    """Restore the delivered records of every manifest into the ledger (SPEC §8)."""
    from tasks.delivery.ledger import LedgerError
    from tasks.delivery.ledger_check import ledger_rows, rebuild_ledger

    path = RunPaths(state_dir=args.state_dir).ledger
    try:
        ledger_rows(path)
    except LedgerError as error:
        raise CommandError(str(error)) from None
    added = rebuild_ledger(path, args.out_dir)
    print(f"{path}: {added} delivery record(s) restored from the manifests under {args.out_dir}")
    return EXIT_OK


def show(ledger, period: str) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"Deliveries {period}")
    for column in ("kind", "scope", "recipient", "edition", "status", "attempts", "channel", "time", "note / error"):
        table.add_column(column)
    for e in ledger.entries(period):
        table.add_row(
            e.kind,
            e.scope,
            e.recipient,
            str(e.edition),
            e.status,
            str(e.attempts),
            e.channel or "—",
            e.updated_at,
            e.last_error or e.note or "",
        )
    Console(file=sys.stdout, width=160).print(table)
