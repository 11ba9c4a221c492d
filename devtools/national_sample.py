"""The national sample: each academy of `data/national` with synthetic weekly drops for its real
directorates, in the sample's shapes (devtools.drops). Deterministic (one seed per academy, by
its place in academies.csv); generated, never committed: 82 directorates at the benchmarks' size
are ~1.6 M exam rows."""

from __future__ import annotations

from pathlib import Path

from devtools.drops import write_drops
from nashra.academies import load_nation
from nashra.paths import NATIONAL_DIR


def write_national_sample(
    raw_root: Path,
    *,
    exam_rows: int = 300,
    weeks: int = 2,
    only: list[str] | None = None,
    national_dir: Path = NATIONAL_DIR,
) -> list[str]:
    """`raw_root/<ACADEMY>/<period>/<CODE>/` for every academy (or those in `only`; an unknown
    code is a ValueError); returns the academies written."""
    nation = load_nation(national_dir)
    if unknown := sorted(set(only or []) - set(nation.academies)):
        raise ValueError(f"no academy {', '.join(unknown)} in {national_dir / 'academies.csv'}")
    written = []
    for seed, (code, _academy) in enumerate(nation.academies.items(), start=1):
        if only and code not in only:
            continue
        codes = nation.directorates.index[nation.directorates["academy"] == code].tolist()
        write_drops(Path(raw_root) / code, codes, exam_rows, weeks, seed=seed)
        written.append(code)
    return written
