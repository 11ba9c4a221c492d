"""`nashra deliver` (send what is pending) and `nashra deliveries` (the ledger, as a table)."""

from __future__ import annotations

from nashra.commands import CommandError, period_or_last


def deliver(args) -> int:
    """Send every unsent edition of the period; exit 1 when some stay pending."""
    from nashra.settings import DeliverySettings, SettingsError
    from tasks.deliver import deliver_round
    from tasks.ledger import Ledger
    from tasks.transport import transport_for

    period = period_or_last(args.period)
    try:
        settings = DeliverySettings.for_channel(args.channel)
    except SettingsError as error:
        raise CommandError(str(error)) from None
    ledger = Ledger(args.state_dir / "deliveries.sqlite")
    transport = transport_for(args.channel, settings, args.out_dir / str(period) / "outbox")
    tried = deliver_round(period, ledger, transport, [], settings.sender, settings.max_message_bytes)
    after = {(e.recipient, e.kind, e.edition_key): e.status for e in ledger.entries(str(period))}
    sent = [e for e in tried if after[(e.recipient, e.kind, e.edition_key)] == "sent"]
    print(f"{period}: {len(sent)} sent, {len(tried) - len(sent)} still pending, by {args.channel}")
    show(ledger, str(period))
    return 1 if len(sent) < len(tried) else 0


def deliveries(args) -> int:
    from tasks.ledger import Ledger

    period = period_or_last(args.period)
    show(Ledger(args.state_dir / "deliveries.sqlite"), str(period))
    return 0


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
    Console(width=160).print(table)
