"""The committed sample: deterministic, realistic, and every row of every file accounted for."""

import hashlib

import pytest

from devtools.sample_data import generate
from nashra.paths import RAW_DIR
from nashra.periods import Period
from tasks.intake.read import UnreadableFile, read_table
from tasks.intake.validate import rule_context, validate_table

FILES = sorted(p for p in RAW_DIR.rglob("*") if p.suffix in (".csv", ".xlsx"))


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(RAW_DIR)))
def test_every_sample_file_accounts_for_every_row(path, reference):
    period = Period.parse(path.parts[-3])
    try:
        raw = read_table(path, path.stem.lower())
    except UnreadableFile:
        assert path.parts[-3:-1] == ("2026-W47", "TAO")  # the one rejected file of the sample
        return
    table = validate_table(raw, path.stem.lower(), rule_context(reference, period))
    assert table.rows_read == table.rows_accepted + table.rows_quarantined + table.rows_duplicate
    assert table.rows_read == len(raw.frame) > 0


def test_the_sample_shows_the_shapes_of_real_drops():
    encodings = {p.parts[-2]: p.read_bytes()[:3] for p in FILES if p.suffix == ".csv"}
    assert encodings["IFR"] == b"\xef\xbb\xbf"  # UTF-8 with BOM
    haj = next(p for p in FILES if p.parts[-2] == "HAJ").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        haj.decode("utf-8")  # Windows-1256
    assert {p.parts[-2] for p in FILES if p.suffix == ".xlsx"} >= {"MEK", "SEF", "Taz"}
    assert sum(p.stat().st_size for p in FILES) < 5_000_000


def test_the_generator_is_deterministic_and_matches_the_committed_sample(tmp_path):
    generate(tmp_path, Period.parse("2026-W47"))
    made = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    committed = sorted(p.relative_to(RAW_DIR) for p in RAW_DIR.rglob("*") if p.is_file())
    assert made == committed
    for relative in made:
        if relative.suffix == ".csv":
            assert (
                hashlib.sha256((tmp_path / relative).read_bytes()).digest()
                == hashlib.sha256((RAW_DIR / relative).read_bytes()).digest()
            ), relative
