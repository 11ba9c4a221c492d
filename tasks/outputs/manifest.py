"""manifest.json (SPEC §5): what was read, ignored, flagged, written and delivered, for one run."""

from __future__ import annotations

import hashlib
import json
import subprocess
from dataclasses import asdict
from pathlib import Path

import pandas as pd

from nashra import __version__
from nashra.paths import PROJECT_ROOT
from nashra.periods import Period
from tasks.evaluation.cross_checks import Finding
from tasks.evaluation.period import PeriodResult
from tasks.files import now_utc, relative


def code_version() -> str:
    """The package version, and the git commit when run from a checkout."""
    try:
        commit = subprocess.run(
            ["git", "-C", str(PROJECT_ROOT), "rev-parse", "--short=12", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return __version__
    return f"{__version__}+{commit}" if commit else __version__


def inputs_fingerprint(inputs: list[dict]) -> str:
    """A short hash of what was read, printed on the bulletins so readers can tell editions apart."""
    canonical = json.dumps([(i["path"], i["sha256"], i["status"]) for i in inputs], sort_keys=True)
    return hashlib.sha256(canonical.encode()).hexdigest()[:12]


def manifest_json(manifest: dict) -> bytes:
    return (json.dumps(manifest, ensure_ascii=False, indent=2, default=str) + "\n").encode("utf-8")


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
    *,
    inputs: list[dict],
    ignored: list[dict],
    findings: list[Finding],
    raw_dir: Path,
    outputs: dict[Path, str],
    period_dir: Path,
    deliveries: list[dict],
    errors: list[str],
    table: pd.DataFrame,
) -> dict:
    """The manifest of one run; `table` gives each directorate's data_status and data_period."""
    return {
        "period": str(period),
        "as_of": period.as_of.isoformat(),
        "generated_at": now_utc(),
        "code_version": code_version(),
        "fingerprint": inputs_fingerprint(inputs),
        "directorates": {
            code: {
                "data_status": row.data_status,
                "data_period": row.data_period if isinstance(row.data_period, str) else None,
            }
            for code, row in table[["data_status", "data_period"]].iterrows()
        },
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


def summary_rows(ranking, inputs: list[dict]) -> list[dict]:
    """One line per directorate for the CLI: status, rows accepted and quarantined in the files used, rank."""
    used = [i for i in inputs if i["status"] in ("accepted", "carried")]
    return [
        {
            "code": r.directorate_code,
            "data_status": r.data_status,
            "data_period": r.data_period,
            "rank": r.rank,
            "rank_change": r.rank_change,
            "accepted": sum(i["rows_accepted"] for i in used if i["directorate"] == r.directorate_code),
            "quarantined": sum(i["rows_quarantined"] for i in used if i["directorate"] == r.directorate_code),
        }
        for r in ranking.itertuples()
    ]
