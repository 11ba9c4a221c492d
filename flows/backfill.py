"""The dry run of `nashra backfill`: for one period, before anything is written or sent, which
inputs changed since its last run, which outputs would change, and who would be e-mailed."""

from __future__ import annotations

import json

from nashra.reference import REGION, load_reference
from tasks.bulletins.pages import bulletin_path
from tasks.delivery.ledger import SENT
from tasks.delivery.ledger_check import ledger_to_read
from tasks.delivery.letters import plan_letters
from tasks.delivery.receipts import plan_receipts
from tasks.evaluation.history import evaluate_with_history
from tasks.evaluation.ranking import ranking_frame
from tasks.intake.discover import scan_folders
from tasks.outputs.manifest import input_records
from tasks.outputs.tables import rankings_csv


def _input_changes(before: list[dict], now: list[dict]) -> list[str]:
    old = {i["path"]: i["sha256"] for i in before if i.get("path")}
    new = {i["path"]: i["sha256"] for i in now if i.get("path")}
    lines = [f"  + {p}" for p in sorted(new.keys() - old.keys())]
    lines += [f"  ~ {p}" for p in sorted(new.keys() & old.keys()) if new[p] != old[p]]
    lines += [f"  - {p}" for p in sorted(old.keys() - new.keys())]
    return lines


def describe(request) -> str:
    """What a run of `request` (period, paths, resolved channel) would do; writes nothing."""
    period, paths, channel = request.period, request.paths, request.channel
    reference = load_reference(paths.reference_dir)
    folders = scan_folders(paths.raw_dir, period, reference.codes, reference.directorate_names)
    current, history = evaluate_with_history(paths, reference, period, folders, store=False)
    inputs = input_records(current, paths.raw_dir)
    manifest_path = paths.manifest(period)
    lines = [f"{period} (as of {period.as_of:%d/%m/%Y})"]
    if manifest_path.is_file():
        changes = _input_changes(json.loads(manifest_path.read_text(encoding="utf-8"))["inputs"], inputs)
        lines.append("  inputs changed since the last run:" if changes else "  inputs: unchanged since the last run")
        lines += changes
    else:
        lines.append(f"  never run: {len(inputs)} inputs would be read")

    ranking = ranking_frame(current.table, history[period.previous()], reference, str(period))
    existing = paths.rankings(period)
    same = existing.is_file() and existing.read_bytes() == rankings_csv(ranking)
    lines.append(f"  rankings.csv: {'unchanged' if same else 'would change' if existing.is_file() else 'new'}")
    if not same:
        lines.append("  bulletins: would be rendered again")

    if channel == "none":
        lines.append("  e-mail: none (a past period is delivered only with --deliver outbox|smtp)")
        return "\n".join(lines)
    bulletins = {
        scope: bulletin_path(paths.bulletins(period), scope, str(period)) for scope in (REGION, *reference.codes)
    }
    letters = plan_letters(reference, bulletins, period, ranking)
    letters += plan_receipts(
        reference,
        period,
        current.directorates,
        paths.quarantine(period),
        findings=current.findings,
        evidence_dir=paths.explain(period),
    )
    ledger = ledger_to_read(paths.ledger)
    emailed = []
    for letter in letters:
        known = ledger.find(str(period), letter.kind, letter.email, letter.edition_key) if ledger else None
        if known is None or known.status != SENT:
            corrected = ledger is not None and ledger.last_sent(str(period), letter.kind, letter.email) is not None
            emailed.append(f"  → {letter.email} ({letter.kind}{', corrected edition' if corrected else ''})")
    lines.append(f"  e-mail by {channel}: {len(emailed)} message(s)" if emailed else f"  e-mail by {channel}: none")
    return "\n".join(lines + emailed)
