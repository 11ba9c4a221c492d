"""Column normalisation (SPEC §2.2): each function turns trimmed text cells into typed values.

Each returns the parsed values (missing where the cell is empty or unreadable) and a mask of
the cells that were not empty but could not be read; the pandera schemas then check the
typed values. Everything here is vectorised over a whole column.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import pandas as pd

from schemas.headers import fold


@dataclass(frozen=True)
class Parsed:
    values: pd.Series
    unreadable: pd.Series  # bool: a non-empty cell that could not be read
    reason: pd.Series | None = None  # a reason code of its own for some unreadable cells (else the column's)


def _unreadable(cells: pd.Series, values: pd.Series) -> pd.Series:
    return (cells != "") & values.isna()


_OTHER_DIGIT = re.compile(r"(?![0-9])\d")  # any Unicode decimal digit (category Nd) but 0-9


def ascii_digits(cells: pd.Series) -> pd.Series:
    """Every Unicode decimal digit as its ASCII digit (SPEC §8 "Cells"): `٦٨٩٥٣٤٢`, `۸۰۸۰۵۹۸` and
    `４８１９８３０` are the same PPR as `6895342`. Only the few non-ASCII cells are rewritten."""
    other = ~cells.str.isascii().fillna(True).astype(bool)
    if not other.any():
        return cells
    rewritten = cells[other].map(lambda text: _OTHER_DIGIT.sub(lambda digit: str(unicodedata.digit(digit[0])), text))
    return cells.where(~other, rewritten)


def candidate_id(cells: pd.Series) -> Parsed:
    """PPR: 5-8 digits once spaces are removed; Excel's `1234567.0` counts as its digits."""
    digits = ascii_digits(cells).str.replace(r"\s+", "", regex=True)
    digits = digits.str.replace(r"^([0-9]+)\.0+$", r"\1", regex=True)
    values = digits.where(digits.str.fullmatch(r"[0-9]{5,8}"))
    return Parsed(values, _unreadable(cells, values))


def exam_code(cells: pd.Series) -> Parsed:
    """Upper-cased, spaces/underscores to `-`, `MO200` to `MO-200`; catalogue membership is a check."""
    code = ascii_digits(cells).str.upper().str.replace(r"[\s_]+", "-", regex=True)
    code = code.str.replace(r"^([A-Z]+)-*([0-9]+)$", r"\1-\2", regex=True).str.replace(r"-{2,}", "-", regex=True)
    code = code.str.strip("-")
    values = code.where(code != "")
    return Parsed(values, _unreadable(cells, values))


def voucher_code(cells: pd.Series) -> Parsed:
    """Upper-cased, spaces and `-` removed, then 6-20 letters or digits."""
    key = voucher_key(cells)
    values = key.where(key.str.fullmatch(r"[A-Z0-9]{6,20}"))
    return Parsed(values, _unreadable(cells, values))


def voucher_key(cells: pd.Series) -> pd.Series:
    """The normalised voucher code used to find duplicates, before its length is checked."""
    return ascii_digits(cells).str.upper().str.replace(r"[\s\-]+", "", regex=True)


DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y")  # day and month of one or two digits
_MIDNIGHT = r"[ T]00:00(?::00)?$"
_EXCEL_SERIAL = r"^[0-9]{5}(?:\.0+)?$"
_EXCEL_EPOCH = pd.Timestamp("1899-12-30")
POSSIBLE_DATES = (pd.Timestamp("1900-01-01"), pd.Timestamp("2099-12-31"))
"""A date outside these is one no one could mean (`31/12/9999` for "never", `15/10/0026`):
that row's reason, `date.impossible` (docs/decisions.md, "Cells")."""


def date(cells: pd.Series) -> Parsed:
    """`YYYY-MM-DD`, `DD/MM/YYYY`, `DD-MM-YYYY`, or an Excel date; never month first; a date
    outside POSSIBLE_DATES is read but not kept (pandas' nanosecond dates end in 2262)."""
    text = ascii_digits(cells).str.replace(_MIDNIGHT, "", regex=True)
    values = pd.Series(pd.NaT, index=cells.index, dtype="datetime64[s]")
    for form in DATE_FORMATS:
        values = values.fillna(pd.to_datetime(text, format=form, errors="coerce").astype("datetime64[s]"))
    serial = pd.to_numeric(text.where(text.str.fullmatch(_EXCEL_SERIAL)), errors="coerce")
    from_serial = _EXCEL_EPOCH + pd.to_timedelta(serial.where(serial.between(20000, 80000)), unit="D")
    values = values.fillna(from_serial.astype("datetime64[s]"))
    impossible = values.notna() & ~values.between(*POSSIBLE_DATES)
    values = values.where(~impossible).astype("datetime64[ns]")
    reason = pd.Series(None, index=cells.index, dtype=object).where(~impossible, "date.impossible")
    return Parsed(values, _unreadable(cells, values), reason)


_THOUSANDS = r"^([0-9]{1,3})[ \u00a0\u202f]([0-9]{3})$"  # `1 000`: French grouping, plain or no-break space
_PERCENT = r"^[0-9]+(?:[.,][0-9]+)?\s*%$"


def score(cells: pd.Series) -> Parsed:
    """A whole number (`850.0` is 850, `1 000` is 1000, `850.5` is not); `85%` is no score (a score
    is out of 1000: `score.percent`); the 0-1000 range is a check."""
    digits = ascii_digits(cells)
    whole = digits.str.replace(_THOUSANDS, r"\1\2", regex=True).str.replace(
        r"^(-?[0-9]+)(?:[.,]0+)?$", r"\1", regex=True
    )
    values = pd.to_numeric(whole.where(whole.str.fullmatch(r"-?[0-9]{1,9}")), errors="coerce").astype("Int64")
    reason = pd.Series(None, index=cells.index, dtype=object).where(~digits.str.fullmatch(_PERCENT), "score.percent")
    return Parsed(values, _unreadable(cells, values), reason)


_PASSED = {
    **dict.fromkeys(["yes", "oui", "pass", "reussi", "ناجح", "1", "true", "vrai", "admis"], True),
    **dict.fromkeys(["no", "non", "fail", "echoue", "راسب", "0", "false", "faux", "ajourne"], False),
}


def passed(cells: pd.Series) -> Parsed:
    """yes/no in French, English, Arabic, 1/0 or true/false; empty means not given."""
    values = _lookup(cells, _PASSED).astype("boolean")
    return Parsed(values, _unreadable(cells, values))


STATUSES = ("available", "assigned", "consumed", "expired", "cancelled")
_STATUS = {
    **dict.fromkeys(["available", "disponible", "متوفرة"], "available"),
    **dict.fromkeys(["assigned", "attribue", "assigne", "مسندة"], "assigned"),
    **dict.fromkeys(["consumed", "consomme", "utilise", "مستهلكة"], "consumed"),
    **dict.fromkeys(["expired", "expire", "منتهية الصلاحية"], "expired"),
    **dict.fromkeys(["cancelled", "canceled", "annule", "ملغاة"], "cancelled"),
}


def status(cells: pd.Series) -> Parsed:
    """One of the five voucher statuses, in English, French or Arabic, any case or accents."""
    values = _lookup(cells, _STATUS)
    return Parsed(values, _unreadable(cells, values))


def _lookup(cells: pd.Series, table: dict) -> pd.Series:
    folded = {fold(k): v for k, v in table.items()}
    unique = pd.Series(cells.unique())
    mapping = dict(zip(unique, unique.map(lambda text: folded.get(fold(text))), strict=True))
    return cells.map(mapping).astype(object).where(lambda s: s.notna(), None)


def text(cells: pd.Series) -> Parsed:
    """Free text (names, establishments): kept as given, empty means not given."""
    values = cells.where(cells != "")
    return Parsed(values, pd.Series(False, index=cells.index))


def on_unique(parser):
    """Apply `parser` to each distinct cell once: files repeat the same dates, codes and scores."""

    def parse(cells: pd.Series) -> Parsed:
        codes, uniques = pd.factorize(cells)
        parsed = parser(pd.Series(uniques, dtype=object))
        values = parsed.values.take(codes)
        values.index = cells.index
        unreadable = pd.Series(parsed.unreadable.to_numpy()[codes], index=cells.index)
        reason = None if parsed.reason is None else pd.Series(parsed.reason.to_numpy()[codes], index=cells.index)
        return Parsed(values, unreadable, reason)

    parse.__doc__ = parser.__doc__
    return parse


PARSERS = {  # identifiers are nearly all distinct: parsed as they are; the rest once per distinct cell
    "candidate_id": candidate_id,
    "candidate_name": text,
    "establishment": text,
    "exam_code": on_unique(exam_code),
    "exam_date": on_unique(date),
    "score": on_unique(score),
    "passed": on_unique(passed),
    "voucher_code": voucher_code,
    "allocated_on": on_unique(date),
    "expires_on": on_unique(date),
    "status": on_unique(status),
    "consumed_on": on_unique(date),
}
