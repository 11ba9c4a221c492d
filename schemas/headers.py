"""Header matching (SPEC §2.1): canonical column names, their aliases, and the columns of each source."""

from __future__ import annotations

import re
import unicodedata

EXAM_RESULTS = "exam_results"
VOUCHER_LEDGER = "voucher_ledger"
SOURCES = (EXAM_RESULTS, VOUCHER_LEDGER)

ALIASES: dict[str, tuple[str, ...]] = {
    "candidate_id": ("ppr", "n° ppr", "numero ppr", "matricule", "candidate id", "رقم التأجير"),
    "candidate_name": ("nom et prenom", "nom complet", "nom", "candidate name", "الاسم الكامل", "الاسم والنسب"),
    "establishment": ("etablissement", "school", "المؤسسة"),
    "exam_code": ("code examen", "examen", "exam code", "exam", "رمز الامتحان"),
    "exam_date": ("date examen", "date de l'examen", "date", "exam date", "تاريخ الامتحان"),
    "score": ("note", "score obtenu", "النقطة", "النتيجة"),
    "passed": ("resultat", "reussi", "pass/fail", "passed", "الحكم", "ناجح"),
    "voucher_code": ("code voucher", "voucher", "n° voucher", "code du voucher", "رقم القسيمة", "القسيمة"),
    "allocated_on": ("date d'attribution", "date allocation", "allocated on", "تاريخ التخصيص"),
    "expires_on": ("date d'expiration", "expiration", "expires on", "تاريخ انتهاء الصلاحية"),
    "status": ("statut", "etat", "status", "الحالة", "الوضعية"),
    "consumed_on": ("date de consommation", "date d'utilisation", "consumed on", "تاريخ الاستهلاك"),
}

COLUMNS: dict[str, tuple[str, ...]] = {
    EXAM_RESULTS: (
        "candidate_id",
        "candidate_name",
        "establishment",
        "exam_code",
        "exam_date",
        "score",
        "passed",
        "voucher_code",
    ),
    VOUCHER_LEDGER: ("voucher_code", "allocated_on", "expires_on", "status", "consumed_on", "candidate_id"),
}

REQUIRED: dict[str, tuple[str, ...]] = {
    EXAM_RESULTS: ("candidate_id", "exam_code", "exam_date", "score", "voucher_code"),
    VOUCHER_LEDGER: ("voucher_code", "allocated_on", "expires_on", "status"),
}

TATWEEL = "\u0640"
WHITESPACE = re.compile(r"\s+")


def fold(text: str) -> str:
    """Case-, accent-, tatweel- and diacritic-insensitive form used to compare labels."""
    text = unicodedata.normalize("NFKD", str(text).replace(TATWEEL, "").replace("’", "'"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return WHITESPACE.sub(" ", text.replace("_", " ")).strip().casefold()


_LOOKUP: dict[str, str] = {}
for _canonical, _aliases in ALIASES.items():
    for _label in (_canonical, *_aliases):
        _LOOKUP[fold(_label)] = _canonical


def canonical_name(header: object) -> str | None:
    """The canonical column a header cell names, or None."""
    return _LOOKUP.get(fold(str(header))) if header is not None else None


def match_header(cells: list[str], source: str) -> dict[str, int]:
    """Canonical column -> position, for the columns of `source` named in a header row.

    When two cells name the same column, the first wins and the other stays an extra column.
    """
    wanted = COLUMNS[source]
    found: dict[str, int] = {}
    for position, cell in enumerate(cells):
        name = canonical_name(cell)
        if name in wanted and name not in found:
            found[name] = position
    return found
