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

# Each column as a clerk knows it (Arabic, French): what `nashra check` and the receipts name.
DISPLAY: dict[str, tuple[str, str]] = {
    "candidate_id": ("رقم التأجير", "Matricule (PPR)"),
    "candidate_name": ("الاسم الكامل", "Nom et prénom"),
    "establishment": ("المؤسسة", "Établissement"),
    "exam_code": ("رمز الامتحان", "Code examen"),
    "exam_date": ("تاريخ الامتحان", "Date examen"),
    "score": ("النقطة", "Note"),
    "passed": ("الحكم", "Résultat"),
    "voucher_code": ("رقم القسيمة", "Code voucher"),
    "allocated_on": ("تاريخ التخصيص", "Date d'attribution"),
    "expires_on": ("تاريخ انتهاء الصلاحية", "Date d'expiration"),
    "status": ("الحالة", "Statut"),
    "consumed_on": ("تاريخ الاستهلاك", "Date de consommation"),
}
# Words clerks write that are no accepted spelling but say which column they meant (a hint
# in `nashra check`, never a match: SPEC §2.1 lists what is accepted).
HINTS: dict[str, str] = {
    "mark": "score",
    "grade": "score",
    "points": "score",
    "when": "exam_date",
    "day": "exam_date",
    "jour": "exam_date",
    "id": "candidate_id",
    "code": "exam_code",
    "bon": "voucher_code",
    "ticket": "voucher_code",
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


def meant(header: str, candidates: tuple[str, ...]) -> str | None:
    """The column among `candidates` that an unrecognised `header` most likely meant: a hint
    word, an accepted spelling it contains or nearly is (`Score final`, `Date exam.`), or None."""
    import difflib

    folded = fold(header)
    words = set(re.findall(r"\w+", folded))
    for word, name in HINTS.items():
        if word in words and name in candidates:
            return name
    spellings = {fold(label): name for name in candidates for label in (name, *ALIASES[name])}
    for spelling, name in spellings.items():
        if len(spelling) > 3 and re.search(rf"\b{re.escape(spelling)}\b", folded):
            return name
    close = difflib.get_close_matches(folded, list(spellings), n=1, cutoff=0.75)
    return spellings[close[0]] if close else None


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
