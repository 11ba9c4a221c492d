"""A deterministic generator of realistic weekly drops (`python -m devtools sample-data`).

It simulates the programme from its start: candidates take exams with vouchers drawn from dated
batches, some fail and retake, some vouchers lapse. Each week's drop is the cumulative snapshot
as of that Sunday, written the way each directorate really writes its files (SPEC §2,
domain.md): XLSX with title rows, Arabic or French headers, Windows-1256, `;`, dd/mm/yyyy, IDs
as numbers, `mo 200`. A few rows break the rules, one drop is missing and one file is rejected,
so every path of the pipeline shows in the sample.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from devtools.sample_files import STYLES, write_file
from nashra.periods import Period
from schemas.headers import COLUMNS, EXAM_RESULTS, VOUCHER_LEDGER

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


def issue_vouchers(code: str, needed: int, start: date, rng: random.Random) -> list[Voucher]:
    """The directorate's three batches of vouchers, a few of them cancelled."""
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
    return vouchers


def sit_exam(
    base: dict[str, object], vouchers: list[Voucher], *, day: date, end: date, pass_rate: float, rng: random.Random
) -> list[Attempt]:
    """One candidate's attempts at one exam from `day`: after a failure, half the time, again."""
    attempts: list[Attempt] = []
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
        voucher.assigned_on, voucher.candidate_id = day - timedelta(days=rng.randint(1, 10)), base["candidate_id"]
        voucher.consumed_on = day
        won = rng.random() < pass_rate
        score = rng.randint(700, 1000) if won else (0 if rng.random() < 0.03 else rng.randint(300, 699))
        cells = base | {"exam_date": day, "score": score, "passed": score >= 700, "voucher_code": voucher.code}
        attempts.append(Attempt(cells, day, voucher))
        if won or rng.random() < 0.5:
            break
        day += timedelta(days=rng.randint(10, 25))
    return attempts


def simulate(code: str, target: int, start: date, end: date, rng: random.Random):
    """Attempts and vouchers of one directorate from the programme start to `end`."""
    needed = max(30, target // 9)
    vouchers = issue_vouchers(code, needed, start, rng)
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
            base = {"candidate_id": ppr, "candidate_name": name, "establishment": school, "exam_code": exam}
            attempts += sit_exam(base, vouchers, day=day, end=end, pass_rate=pass_rate, rng=rng)
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


def generate(
    out_dir: Path,
    last: Period,
    *,
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
