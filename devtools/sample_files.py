"""How each directorate of the sample writes its files (SPEC §2, domain.md): format, header
language, date style, encoding, separator, quirks -- and the writers of those CSV and XLSX files."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from pathlib import Path

from schemas.headers import ALIASES

# How each directorate writes its files: format, header language, date style, quirks.
STYLES = {
    "FES": dict(fmt="csv", lang="fr", sep=",", encoding="utf-8", dates="dmy"),
    "MEK": dict(fmt="xlsx", lang="fr", title="Direction provinciale de Meknès — suivi MOS"),
    "HAJ": dict(fmt="csv", lang="ar", sep=";", encoding="cp1256", dates="dmy"),
    "IFR": dict(fmt="csv", lang="ar", sep=";", encoding="utf-8-sig", dates="iso"),
    "MYA": dict(fmt="csv", lang="fr2", sep=";", encoding="utf-8", dates="dmy", sloppy=True),
    "SEF": dict(fmt="xlsx", lang="ar", title="المديرية الإقليمية صفرو - التكوينات الإشهادية"),
    "BOU": dict(fmt="csv", lang="en", sep=",", encoding="utf-8", dates="iso"),
    "TAO": dict(fmt="csv", lang="fr", sep=";", encoding="utf-8", dates="dmy"),
    "TAZ": dict(fmt="xlsx", lang="en", folder="Taz"),
}
HEADERS = {
    "fr": {
        "candidate_id": "PPR",
        "candidate_name": "Nom et prénom",
        "establishment": "Établissement",
        "exam_code": "Code examen",
        "exam_date": "Date examen",
        "score": "Note",
        "passed": "Résultat",
        "voucher_code": "Code voucher",
        "allocated_on": "Date d'attribution",
        "expires_on": "Date d'expiration",
        "status": "Statut",
        "consumed_on": "Date de consommation",
    },
    "fr2": {
        "candidate_id": "N° PPR",
        "candidate_name": "Nom complet",
        "establishment": "ETABLISSEMENT",
        "exam_code": "Examen",
        "exam_date": "Date de l'examen",
        "score": "Note",
        "passed": "Réussi",
        "voucher_code": "N° voucher",
        "allocated_on": "Date allocation",
        "expires_on": "Expiration",
        "status": "État",
        "consumed_on": "Date d'utilisation",
    },
    "ar": {
        "candidate_id": "رقم التأجير",
        "candidate_name": "الاسم الكامل",
        "establishment": "المؤسسة",
        "exam_code": "رمز الامتحان",
        "exam_date": "تاريخ الامتحان",
        "score": "النقطة",
        "passed": "الحكم",
        "voucher_code": "رقم القسيمة",
        "allocated_on": "تاريخ التخصيص",
        "expires_on": "تاريخ انتهاء الصلاحية",
        "status": "الحالة",
        "consumed_on": "تاريخ الاستهلاك",
    },
    "en": {name: name for name in ALIASES},
}
STATUS_WORDS = {
    "fr": {
        "available": "disponible",
        "assigned": "attribué",
        "consumed": "consommé",
        "expired": "expiré",
        "cancelled": "annulé",
    },
    "ar": {
        "available": "متوفرة",
        "assigned": "مسندة",
        "consumed": "مستهلكة",
        "expired": "منتهية الصلاحية",
        "cancelled": "ملغاة",
    },
}
PASSED_WORDS = {"fr": ("oui", "non"), "fr2": ("Réussi", "Échoué"), "ar": ("ناجح", "راسب"), "en": ("yes", "no")}


def _text(value: object, column: str, style: dict) -> object:
    """A cell as this directorate's staff would write it."""
    lang = style["lang"]
    if value is None:
        return ""
    if column == "candidate_name":
        return f"{value[2]} {value[3]}" if lang == "ar" else f"{value[0]} {value[1]}"
    if column == "establishment":
        return value[1] if lang == "ar" else value[0]
    if isinstance(value, bool):
        return PASSED_WORDS[lang][0 if value else 1]
    if isinstance(value, date):
        if style["fmt"] == "xlsx":
            return datetime(value.year, value.month, value.day)
        return value.strftime("%d/%m/%Y") if style["dates"] == "dmy" else value.isoformat()
    if column == "status":
        return STATUS_WORDS.get(lang[:2], {}).get(value, value)
    if style.get("sloppy") and column == "exam_code":
        return str(value).lower().replace("-", " ") + " "
    if style["fmt"] == "xlsx" and column in ("candidate_id", "score") and str(value).isdigit():
        return int(value)
    return value


def write_file(path: Path, columns: list[str], rows: list[dict], style: dict, *, drop_column: str | None = None):
    columns = [c for c in columns if c != drop_column]
    header = [HEADERS[style["lang"]][c] for c in columns]
    if drop_column:
        header.append("Score final")
        columns.append(drop_column)
    body = [[_text(row.get(c), c, style) for c in columns] for row in rows]
    path.parent.mkdir(parents=True, exist_ok=True)
    if style["fmt"] == "xlsx":
        _write_xlsx(path.with_suffix(".xlsx"), header, body, style.get("title"))
    else:
        buffer = io.StringIO()
        csv.writer(buffer, delimiter=style["sep"], lineterminator="\r\n").writerows([header, *body])
        path.with_suffix(".csv").write_bytes(buffer.getvalue().encode(style["encoding"]))


def _write_xlsx(path: Path, header: list, body: list, title: str | None) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    if title:
        sheet.append([title])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
        sheet.append([])
    sheet.append(header)
    for row in body:
        sheet.append(row)
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, datetime):
                cell.number_format = "DD/MM/YYYY"
    workbook.properties.created = workbook.properties.modified = datetime(2026, 1, 1)
    workbook.save(path)
