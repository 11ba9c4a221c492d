"""A deterministic generator of realistic weekly drops (`nashra sample-data`).

It simulates the programme from its start: candidates take exams with vouchers drawn from dated
batches, some fail and retake, some vouchers lapse. Each week's drop is the cumulative snapshot
as of that Sunday, written the way each directorate really writes its files (SPEC §2,
domain.md): XLSX with title rows, Arabic or French headers, Windows-1256, `;`, dd/mm/yyyy, IDs
as numbers, `mo 200`. A few rows break the rules, one drop is missing and one file is rejected,
so every path of the pipeline shows in the sample.
"""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from nashra.periods import Period
from schemas.headers import ALIASES, COLUMNS, EXAM_RESULTS, VOUCHER_LEDGER

EXAM_CODES = ["MO-100", "MO-200", "MO-300", "MO-110", "MO-210", "MO-400", "MO-101", "MO-201"]
FIRST = ["Mohamed", "Fatima", "Youssef", "Khadija", "Hassan", "Naima", "Rachid", "Samira", "Omar", "Latifa"]
LAST = ["El Alaoui", "Bennani", "Tazi", "Idrissi", "Berrada", "Cherkaoui", "Amrani", "Fassi", "Ouazzani"]
FIRST_AR = ["محمد", "فاطمة", "يوسف", "خديجة", "حسن", "نعيمة", "رشيد", "سميرة", "عمر", "لطيفة"]
LAST_AR = ["العلوي", "بناني", "التازي", "الإدريسي", "برادة", "الشرقاوي", "العمراني", "الفاسي"]
SCHOOLS = [
    ("Lycée Ibn Khaldoun", "ثانوية ابن خلدون"),
    ("Collège Al Massira", "إعدادية المسيرة"),
    ("Lycée Moulay Idriss", "ثانوية مولاي إدريس"),
    ("École Al Farabi", "مدرسة الفارابي"),
    ("Lycée Ibn Rochd", "ثانوية ابن رشد"),
    ("Collège Ibn Sina", "إعدادية ابن سينا"),
]

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
EXAM_COLUMNS = list(COLUMNS[EXAM_RESULTS])
LEDGER_COLUMNS = list(COLUMNS[VOUCHER_LEDGER])


@dataclass
class Voucher:
    code: str
    allocated_on: date
    expires_on: date
    assigned_on: date | None = None
    consumed_on: date | None = None
    candidate_id: str | None = None
    cancelled_on: date | None = None
    faults: dict[str, object] = field(default_factory=dict)  # cells a clerk got wrong

    def status(self, day: date) -> str:
        if self.cancelled_on and self.cancelled_on <= day:
            return "cancelled"
        if self.consumed_on and self.consumed_on <= day:
            return "consumed"
        if self.expires_on < day:
            return "expired"
        return "assigned" if self.assigned_on and self.assigned_on <= day else "available"


@dataclass
class Attempt:
    cells: dict[str, object]
    exam_date: date
    voucher: Voucher
    extra_rows: list[dict[str, object]] = field(default_factory=list)  # duplicates and conflicts


def simulate(code: str, target: int, start: date, end: date, rng: random.Random):
    """Attempts and vouchers of one directorate from the programme start to `end`."""
    needed = max(30, target // 9)
    batches = [
        (start, date(2026, 11, 15), needed // 5),
        (start, date(2026, 12, 15), needed * 7 // 10),
        (date(2026, 10, 12), date(2027, 4, 30), needed),
    ]
    vouchers: list[Voucher] = []
    for allocated, expires, size in batches:
        for _ in range(size):
            vouchers.append(Voucher(f"VCH-{code}-{len(vouchers) + 1:05d}", allocated, expires))
    for voucher in rng.sample(vouchers, k=max(1, len(vouchers) // 60)):
        voucher.cancelled_on = voucher.allocated_on + timedelta(days=rng.randint(3, 20))
    pass_rate = rng.uniform(0.55, 0.85)
    activity = rng.uniform(0.6, 1.0)
    candidates = [f"{rng.randint(1_000_000, 9_999_999)}" for _ in range(int(needed * activity))]
    attempts: list[Attempt] = []
    days = (end - start).days
    for ppr in candidates:
        name = (rng.choice(FIRST), rng.choice(LAST), rng.choice(FIRST_AR), rng.choice(LAST_AR))
        school = rng.choice(SCHOOLS)
        for exam in rng.sample(EXAM_CODES, k=rng.choice([1, 1, 2])):
            day = start + timedelta(days=14 + int((days - 14) * rng.random() ** 0.7))
            while day <= end:
                usable = [
                    v
                    for v in vouchers
                    if v.assigned_on is None
                    and v.cancelled_on is None
                    and v.allocated_on <= day - timedelta(days=3)
                    and v.expires_on >= day + timedelta(days=5)
                ]
                if not usable:
                    break
                voucher = usable[rng.randrange(min(len(usable), 60))]  # mostly the oldest batch first
                voucher.assigned_on, voucher.candidate_id = day - timedelta(days=rng.randint(1, 10)), ppr
                voucher.consumed_on = day
                won = rng.random() < pass_rate
                score = rng.randint(700, 1000) if won else (0 if rng.random() < 0.03 else rng.randint(300, 699))
                cells = {
                    "candidate_id": ppr,
                    "candidate_name": name,
                    "establishment": school,
                    "exam_code": exam,
                    "exam_date": day,
                    "score": score,
                    "passed": score >= 700,
                    "voucher_code": voucher.code,
                }
                attempts.append(Attempt(cells, day, voucher))
                if won or rng.random() < 0.5:
                    break
                day += timedelta(days=rng.randint(10, 25))
    attempts.sort(key=lambda a: (a.exam_date, a.cells["voucher_code"]))
    return attempts, vouchers


def inject_errors(attempts: list[Attempt], vouchers: list[Voucher], rng: random.Random) -> None:
    """A few rows that break the rules, as real files have: each stays until someone fixes it."""
    if len(attempts) < 20:
        return
    breakers = [
        ("exam_date", lambda c: c["exam_date"].strftime("%m/%d/%Y") if c["exam_date"].day > 12 else "31/02/2026"),
        ("score", lambda c: "abc"),
        ("score", lambda c: f"{c['score']}.5"),
        ("exam_code", lambda c: "MO-999"),
        ("candidate_id", lambda c: "12AB"),
        ("passed", lambda c: not c["passed"]),
    ]
    chosen = rng.sample(breakers, k=rng.randint(3, len(breakers)))
    duplicate, conflicting, typo, *broken = rng.sample(attempts, k=3 + len(chosen))
    for attempt, (column, breaker) in zip(broken, chosen, strict=True):
        attempt.cells[column] = breaker(attempt.cells)
    duplicate.extra_rows.append(dict(duplicate.cells))  # the same row sent twice: collapses
    conflicting.extra_rows.append({**conflicting.cells, "score": 512, "passed": False})  # both quarantined
    typo.cells["voucher_code"] = typo.cells["voucher_code"].replace("VCH", "VHC")  # W1, and W3 in the ledger
    open_vouchers = [v for v in vouchers if v.consumed_on is None and v.cancelled_on is None]
    for voucher, fault in zip(
        rng.sample(open_vouchers, k=2), ({"status": "perdu"}, {"status": "consumed"}), strict=True
    ):
        voucher.faults = fault  # an unknown status; consumed without a date


def exam_rows(attempts: list[Attempt], day: date) -> list[dict[str, object]]:
    rows = []
    for attempt in attempts:
        if attempt.exam_date <= day:
            rows.append(attempt.cells)
            rows.extend(attempt.extra_rows)
    return rows


def ledger_rows(vouchers: list[Voucher], day: date, stale_status: bool) -> list[dict[str, object]]:
    rows = []
    for voucher in vouchers:
        if voucher.allocated_on > day:
            continue
        status = voucher.status(day)
        if stale_status and status == "expired":
            status = "available"  # never updated by staff: the figures still count it expired
        rows.append(
            {
                "voucher_code": voucher.code,
                "allocated_on": voucher.allocated_on,
                "expires_on": voucher.expires_on,
                "status": status,
                "consumed_on": voucher.consumed_on if status == "consumed" else None,
                "candidate_id": voucher.candidate_id if status in ("assigned", "consumed") else None,
                **voucher.faults,
            }
        )
    return rows


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


def write_file(path: Path, columns: list[str], rows: list[dict], style: dict, drop_column: str | None = None):
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


def generate(
    out_dir: Path,
    last: Period,
    weeks: int = 6,
    seed: int = 2026,
    start: date = date(2026, 9, 1),
    clean: bool = False,
) -> list[Path]:
    """Write `weeks` weekly drops ending with `last` under `out_dir`; returns the files written.

    `clean` leaves out every fault (broken rows, the missing, rejected and doubled drops): the
    same programme as the clerks would send it with no mistake, on which no check should fire.
    """
    from nashra.paths import REFERENCE_DIR
    from nashra.reference import load_reference

    reference = load_reference(REFERENCE_DIR)
    periods = last.recent(weeks)
    written: list[Path] = []
    for code in reference.codes:
        rng = random.Random(f"{seed}-{code}")
        style = STYLES[code]
        attempts, vouchers = simulate(code, int(reference.targets[code]), start, periods[-1].as_of, rng)
        if not clean:
            inject_errors(attempts, vouchers, rng)
        for number, period in enumerate(periods):
            faults = not clean
            if faults and code == "BOU" and number == 0:
                continue  # Boulemane sent nothing the first week: missing
            folder = Path(out_dir) / str(period) / style.get("folder", code)
            exams = exam_rows(attempts, period.as_of)
            broken = "score" if faults and code == "TAO" and period == last else None  # rejected: no score column
            write_file(folder / "exam_results", EXAM_COLUMNS, exams, style, drop_column=broken)
            if not (faults and code == "BOU" and period == last):  # Boulemane's ledger is late: carried over
                stale = faults and code in ("HAJ", "TAZ")
                write_file(folder / "voucher_ledger", LEDGER_COLUMNS, ledger_rows(vouchers, period.as_of, stale), style)
            if faults and code == "IFR" and number == 3:  # sent twice, in two formats: both ignored
                write_file(folder / "exam_results", EXAM_COLUMNS, exams, {**STYLES["SEF"], "title": None})
            if faults and code == "TAZ" and period == last:
                (folder / "notes.txt").write_text("Fichiers envoyés par le service informatique.\n", encoding="utf-8")
            written.extend(sorted(folder.iterdir()))
    return written
