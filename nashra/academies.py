"""The academies of a national installation, checked at start.

An academy is today's regional unit: its reference folder (directorates, targets, recipients,
programme), its weekly drops, its outputs and its state. A national installation lists them in
`academies.csv` (code, names, the reference folder relative to that file) beside the national
recipients and programme (the national bulletin's header and dates); each academy run is the
weekly flow on `Academy.paths`, unchanged. An installation with one academy (`data/reference`)
needs none of this.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from nashra.paths import RunPaths
from nashra.reference import ReferenceError, load_reference, read_programme, read_recipients, read_rows, unique

NATIONAL = "NATIONAL"  # the scope of the national bulletin and its recipients


@dataclass(frozen=True)
class Academy:
    code: str
    name_ar: str
    name_fr: str
    reference_dir: Path

    def paths(self, national: RunPaths) -> RunPaths:
        """This academy's run within a national installation: its own reference folder; its
        drops, outputs and state in a folder named by its code under the national ones."""
        return RunPaths(
            raw_dir=national.raw_dir / self.code,
            reference_dir=self.reference_dir,
            out_dir=national.out_dir / self.code,
            state_dir=national.state_dir / self.code,
        )


@dataclass(frozen=True)
class Nation:
    academies: dict[str, Academy]  # by code, in the order of academies.csv
    directorates: pd.DataFrame  # index code; academy, name_ar, name_fr, kind
    recipients: pd.DataFrame  # scope (NATIONAL), name, email
    programme: dict[str, str] = field(default_factory=dict)  # the national bulletin's header and dates


NATIONAL_PROGRAMME = ("start_date", "phase_deadline", "name_ar", "name_fr", "ministry_ar", "ministry_fr")


def load_nation(folder: Path) -> Nation:
    """Read and check `academies.csv`, every academy's reference folder and the national
    recipients; a directorate code must be unique in the country (the national ranking is keyed
    by it). Raises ReferenceError naming the file and line."""
    folder = Path(folder)
    path = folder / "academies.csv"
    rows = read_rows(path, ["code", "name_ar", "name_fr", "reference"])
    unique(path, rows, "code")
    academies = {
        cells["code"]: Academy(
            cells["code"], cells["name_ar"], cells["name_fr"], (folder / cells["reference"]).resolve()
        )
        for _, cells in rows
    }
    lists = [load_reference(a.reference_dir).directorates.assign(academy=code) for code, a in academies.items()]
    directorates = pd.concat(lists) if lists else pd.DataFrame(columns=["name_ar", "name_fr", "kind", "academy"])
    twice = directorates.index[directorates.index.duplicated()]
    if len(twice):
        owners = directorates.loc[[twice[0]], "academy"].tolist()
        raise ReferenceError(f"{path}: directorate {twice[0]!r} belongs to {' and '.join(owners)}")
    recipients = read_recipients(folder / "recipients.csv", {NATIONAL}, f"is not {NATIONAL}")
    return Nation(academies, directorates, recipients, read_programme(folder / "programme.csv", NATIONAL_PROGRAMME))
