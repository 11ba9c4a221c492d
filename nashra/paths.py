"""The one place that knows where the project's folders are, and every path of a run."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, fields
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def shipped(*parts: str) -> Path:
    """A folder of the checkout; for an installed wheel (no checkout around the code), the copy
    the wheel carries under <prefix>/share/nashra (pyproject.toml's data-files)."""
    here = PROJECT_ROOT.joinpath(*parts)
    return here if here.is_dir() else Path(sys.prefix, "share", "nashra", parts[-1])


RAW_DIR = PROJECT_ROOT / "data" / "raw"
REFERENCE_DIR = shipped("data", "reference")
NATIONAL_DIR = shipped("data", "national")  # the academies of a national installation
NATIONAL_RAW_DIR = PROJECT_ROOT / "data" / "national-raw"  # one folder of drops per academy code
REPORTS_DIR = PROJECT_ROOT / "data" / "reports"
STATE_DIR = PROJECT_ROOT / "data" / "state"
TEMPLATES_DIR = shipped("report_templates")


@dataclass(frozen=True)
class RunPaths:
    """Where one run reads and writes; resolved once at the edge (CLI or flow parameters).

    Per period, under `out_dir/<period>/`: rankings.csv, manifest.json, quarantine/,
    bulletins/, validation/, outbox/. In `state_dir`: the delivery ledger, the cached tables of
    earlier periods, the files seen per period, the error logs.
    """

    raw_dir: Path = RAW_DIR
    reference_dir: Path = REFERENCE_DIR
    out_dir: Path = REPORTS_DIR
    state_dir: Path = STATE_DIR

    def __post_init__(self) -> None:
        """Absolute from the start (symbolic links kept as given): a folder given relative to
        where the command runs stays that folder wherever it is used (Great Expectations' Data
        Docs refuse a relative one)."""
        for folder in fields(self):
            object.__setattr__(self, folder.name, Path(os.path.abspath(getattr(self, folder.name))))

    @classmethod
    def with_defaults(cls, raw_dir=None, reference_dir=None, out_dir=None, state_dir=None) -> RunPaths:
        """Paths given as options (strings or None), the defaults filling the gaps."""
        given = {"raw_dir": raw_dir, "reference_dir": reference_dir, "out_dir": out_dir, "state_dir": state_dir}
        return cls(**{name: Path(value) for name, value in given.items() if value})

    def period_dir(self, period) -> Path:
        return self.out_dir / str(period)

    def rankings(self, period) -> Path:
        return self.period_dir(period) / "rankings.csv"

    def manifest(self, period) -> Path:
        return self.period_dir(period) / "manifest.json"

    def quarantine(self, period) -> Path:
        return self.period_dir(period) / "quarantine"

    def bulletins(self, period) -> Path:
        return self.period_dir(period) / "bulletins"

    def explain(self, period) -> Path:
        """The directorates' evidence workbooks (issue 26)."""
        return self.period_dir(period) / "explain"

    def validation(self, period) -> Path:
        return self.period_dir(period) / "validation"

    def outbox(self, period) -> Path:
        return self.period_dir(period) / "outbox"

    @property
    def ledger(self) -> Path:
        return self.state_dir / "deliveries.sqlite"

    @property
    def period_tables(self) -> Path:
        """Cached tables of earlier periods (evaluation.history)."""
        return self.state_dir / "periods"

    @property
    def submissions(self) -> Path:
        """The files seen per period, to tell resubmissions (outputs.register)."""
        return self.state_dir / "submissions"

    @property
    def logs(self) -> Path:
        return self.state_dir / "logs"
