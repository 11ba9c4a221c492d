"""Which encoding a CSV was saved in (SPEC §2, issue 11): decided on evidence, and said when the
evidence is weak rather than guessed silently.

Excel saves a CSV in UTF-8 (« CSV UTF-8 », with a BOM), in UTF-16 (« Texte Unicode », with a
BOM, tab-separated), or in the Windows code page of the machine: Windows-1256 on an Arabic
Windows, Windows-1252 on a French one. Both code pages put the French lowercase accented
letters (é è à ç ô …) at the same bytes, so most French text reads the same either way; they
differ on capitals (É is ة in Windows-1256) and on Arabic letters (ا is Ç in Windows-1252).
The rule: decode the bytes both ways and count the words that no one writes — a word mixing
Arabic and Latin letters (`ةtablissement`, `RةUSSI`) in the Arabic reading, a word of
accented letters only (`ÇáÑÞã`) or an undefined byte in the Latin one — and keep the reading
with fewer. Windows-1256 wins a tie (it is the academy's usual code page); a tie (even with no
odd word either way, when the two readings still differ), or a winner with odd words that the
other reading does not clearly outnumber (4 to 1), is a doubt that the receipt and
`nashra check` report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

UTF8, UTF16, ARABIC_WINDOWS, LATIN_WINDOWS = "utf-8", "utf-16", "windows-1256", "windows-1252"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
STRONG_MARGIN = 4  # the other reading must have this many times more odd words for no doubt
EVIDENCE_BYTES = 64 * 1024  # where the words are counted (counting a whole 1 MB file took 0.4 s)
CODECS = {ARABIC_WINDOWS: "cp1256", LATIN_WINDOWS: "cp1252"}

_WORD = re.compile(r"[^\W\d_]+")  # runs of letters
_ARABIC_LETTER = re.compile(r"[\u0600-\u06ff]")
_LATIN_LETTER = re.compile(r"[A-Za-z\u00c0-\u024f]")
_ASCII_LETTER = re.compile(r"[A-Za-z]")


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    doubt: tuple[str, str] | None = None  # (Arabic, French) when the evidence was weak


def decode(data: bytes) -> Decoded:
    """The text of a CSV file's bytes, with the encoding it was read in."""
    if data.startswith(UTF16_BOMS):
        return Decoded(data.decode("utf-16"), UTF16)
    try:
        return Decoded(data.decode("utf-8-sig"), UTF8)
    except UnicodeDecodeError:
        pass
    sample = data[:EVIDENCE_BYTES]  # the header and a few thousand rows say as much as the whole file
    arabic, latin = sample.decode("cp1256", errors="replace"), sample.decode("cp1252", errors="replace")
    if arabic == latin:
        return Decoded(data.decode("cp1256", errors="replace"), ARABIC_WINDOWS)
    odd_arabic, odd_latin = _odd_in_arabic_reading(arabic), _odd_in_latin_reading(latin)
    encoding, odd, odd_other = (
        (LATIN_WINDOWS, odd_latin, odd_arabic) if odd_latin < odd_arabic else (ARABIC_WINDOWS, odd_arabic, odd_latin)
    )
    weak = odd == odd_other or odd * STRONG_MARGIN > odd_other  # a tie, or not clearly fewer odd words
    return Decoded(data.decode(CODECS[encoding], errors="replace"), encoding, _doubt(encoding) if weak else None)


def _odd_in_arabic_reading(text: str) -> int:
    """Words mixing Arabic and Latin letters: French capitals read as Arabic letters."""
    return sum(
        1 for word in _WORD.findall(text) if _ARABIC_LETTER.search(word) and _LATIN_LETTER.search(word)
    ) + text.count("\ufffd")


def _odd_in_latin_reading(text: str) -> int:
    """Words of two or more accented letters without a plain one (Arabic read as Latin), and
    bytes that Windows-1252 leaves undefined."""
    words = _WORD.findall(text)
    return sum(1 for word in words if len(word) > 1 and not _ASCII_LETTER.search(word)) + text.count("\ufffd")


def _doubt(encoding: str) -> tuple[str, str]:
    language_ar, language_fr = ("العربية", "arabe") if encoding == ARABIC_WINDOWS else ("الفرنسية", "français")
    return (
        f"ترميز الملف غير مؤكد: قُرئ بترميز {encoding} ({language_ar})؛ إذا بدت حروف مشوهة في الأسطر المعزولة، "
        "احفظ الملف من إكسل بصيغة « CSV UTF-8 » ثم أعد إرساله",
        f"encodage du fichier incertain : lu en {encoding} ({language_fr}) ; si des lettres paraissent déformées "
        "dans les lignes mises en quarantaine, l'enregistrer depuis Excel en « CSV UTF-8 » et le renvoyer",
    )
