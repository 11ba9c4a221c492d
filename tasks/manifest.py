"""manifest.json (SPEC §5): what was read, ignored, flagged, written and delivered, for one run."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

from nashra.periods import Period
from tasks.cross_checks import Finding
from tasks.evaluate import PeriodResult
from tasks.outputs import code_version, inputs_fingerprint, now_utc, relative


def input_records(result: PeriodResult, raw_dir: Path) -> list[dict]:
    """The manifest's `inputs`, with paths relative to the raw folder."""
    records = []
    for directorate in result.directorates.values():
        for record in directorate.inputs:
            entry = asdict(record)
            if entry["path"]:
                entry["path"] = relative(Path(entry["path"]), raw_dir)
            records.append(entry)
    return records


def build_manifest(
    period: Period,
    inputs: list[dict],
    ignored: list[dict],
    findings: list[Finding],
    raw_dir: Path,
    outputs: dict[Path, str],
    period_dir: Path,
    deliveries: list[dict],
    errors: list[str],
    statuses: dict,
) -> dict:
    return {
        "period": str(period),
        "as_of": period.as_of.isoformat(),
        "generated_at": now_utc(),
        "code_version": code_version(),
        "fingerprint": inputs_fingerprint(inputs),
        "directorates": statuses,
        "inputs": inputs,
        "ignored": [{**i, "path": relative(Path(i["path"]), raw_dir)} for i in ignored],
        "warnings": [f.to_dict() for f in findings],
        "outputs": [
            {"path": relative(path, period_dir), "sha256": digest}
            for path, digest in sorted(outputs.items(), key=lambda item: str(item[0]))
        ],
        "deliveries": deliveries,
        "errors": errors,
    }
