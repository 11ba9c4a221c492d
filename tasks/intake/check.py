"""`nashra check`: what a directorate's staff run on a file before sending it.

The same reading and row contracts as the weekly run, on one file, told in Arabic and French:
would it be accepted, how many rows would be set aside, why, where, and how to fix them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from nashra.periods import Period
from nashra.reference import Reference
from schemas import labels
from schemas.headers import SOURCES
from tasks.intake.read import RawTable, UnreadableFile, read_table
from tasks.intake.validate import rule_context, validate_table

ROWS_LISTED = 12


@dataclass
class Reason:
    key: str
    count: int
    rows: list[int]
    example: str  # the first row's full message, with its cell


@dataclass
class CheckReport:
    path: Path
    source: str
    period: Period
    usable: bool
    error: str | None = None
    error_ar: str | None = None
    rows_read: int = 0
    rows_accepted: int = 0
    rows_quarantined: int = 0
    rows_duplicate: int = 0
    reasons: list[Reason] = field(default_factory=list)
    encoding_doubt: tuple[str, str] | None = None
    notes: tuple[tuple[str, str], ...] = ()  # the sheet read, rows hidden in Excel
    other_directorate: tuple[str, str] | None = None

    @property
    def counts(self) -> bool:
        """Some of its rows would count: a file read whose every row is set aside does not."""
        return self.usable and self.rows_accepted > 0


def guess_source(path: Path) -> str | None:
    """The source a file's name says (exam_results.csv), else the one its headers fit alone."""
    stem = path.stem.lower()
    if stem in SOURCES:
        return stem
    fits = []
    for source in SOURCES:
        try:
            read_table(path, source)
        except UnreadableFile:
            continue
        fits.append(source)
    return fits[0] if len(fits) == 1 else None


VOUCHER_DIRECTORATE = r"^VCH-([A-Za-z]{3})-"  # voucher codes carry their directorate: VCH-MEK-00012


def other_directorate(raw: RawTable, directorate: str) -> tuple[str, str] | None:
    """(Arabic, French) when the file's voucher codes belong mostly to another directorate."""
    codes = raw.frame[raw.columns["voucher_code"]].str.extract(VOUCHER_DIRECTORATE, expand=False).str.upper()
    counts = codes.value_counts()
    if counts.empty or counts.index[0] == directorate.upper():
        return None
    owner, share = counts.index[0], counts.iloc[0] / max(1, len(raw.frame))
    return (
        f"أغلب رموز القسائم ({share:.0%}) تخص المديرية {owner} وليس {directorate.upper()}: هل هذا هو الملف الصحيح؟",
        f"la plupart des codes voucher ({share:.0%}) sont ceux de la direction {owner}, pas de "
        f"{directorate.upper()} : est-ce le bon fichier ?",
    )


def check_file(
    path: Path, source: str, period: Period, reference: Reference, directorate: str | None = None
) -> CheckReport:
    """Read and check one file as the weekly run would for `period` (and for `directorate`)."""
    report = CheckReport(Path(path), source, period, usable=False)
    try:
        raw = read_table(path, source)
    except UnreadableFile as error:  # any file, however broken, gets an answer and no traceback
        report.error, report.error_ar = str(error), error.arabic
        return report
    try:
        table = validate_table(raw, source, rule_context(reference, period))
    except Exception as error:  # a defect of ours: still an answer, and the weekly run would say the same
        report.error = f"erreur interne en contrôlant le fichier : {type(error).__name__}: {error}"
        return report
    report.usable = True
    report.encoding_doubt, report.notes = raw.encoding_doubt, raw.notes
    report.other_directorate = other_directorate(raw, directorate) if directorate else None
    report.rows_read, report.rows_accepted = table.rows_read, table.rows_accepted
    report.rows_quarantined, report.rows_duplicate = table.rows_quarantined, table.rows_duplicate
    for key, count in sorted(table.reason_counts.items(), key=lambda item: (-item[1], item[0])):
        example = table.reason_examples.get(key, "")
        report.reasons.append(Reason(key, count, table.reason_rows[key][:ROWS_LISTED], example))
    return report


def _verdict(report: CheckReport) -> list[str]:
    if not report.rows_read:
        return [
            "✗ لا يحتوي هذا الملف على أي سطر من البيانات تحت العناوين: لن يحتسب منه شيء.",
            "✗ Ce fichier n'a aucune ligne de données sous l'en-tête : rien ne serait compté.",
        ]
    if not report.counts:
        return [
            "✗ لن يحتسب أي سطر من هذا الملف: كل أسطره ستعزل (انظر الأسباب أسفله).",
            "✗ Rien de ce fichier ne serait compté : toutes ses lignes seraient mises de côté (raisons ci-dessous).",
        ]
    if report.rows_quarantined:
        return [
            "✓ سيقبل هذا الملف، مع عزل بعض الأسطر.",
            "✓ Ce fichier serait accepté, avec des lignes mises en quarantaine.",
        ]
    return ["✓ سيقبل هذا الملف.", "✓ Ce fichier serait accepté."]


def render_report(report: CheckReport) -> str:
    """The report as plain text, Arabic first, French after."""
    lines = [f"{report.path.name} — {report.source} — {report.period} ({report.period.as_of:%d/%m/%Y})", ""]
    if not report.usable:
        lines += [
            "✗ سيرفض هذا الملف بأكمله.",
            f"  {report.error_ar or 'تعذرت قراءة الملف'}",
            "✗ Ce fichier serait rejeté en entier.",
            f"  {report.error}",
        ]
        return "\n".join(lines)
    lines += [*_verdict(report), ""]
    for doubt in (report.encoding_doubt, *report.notes, report.other_directorate):
        if doubt:
            lines += [f"? {doubt[0]}", f"? {doubt[1]}", ""]
    lines += [
        f"أسطر مقروءة / lignes lues : {report.rows_read}",
        f"أسطر مقبولة / lignes acceptées : {report.rows_accepted}",
        f"أسطر معزولة / lignes en quarantaine : {report.rows_quarantined}",
        f"أسطر مكررة / doublons identiques : {report.rows_duplicate}",
    ]
    for reason in report.reasons:
        label_ar, label_fr = labels.reason(reason.key)
        fix_ar, fix_fr = labels.fix(reason.key)
        more = "…" if reason.count > len(reason.rows) else ""
        lines += [
            "",
            f"• {label_ar} — {label_fr} : {reason.count}",
            f"  الأسطر / lignes : {', '.join(map(str, reason.rows))}{more}",
            f"  مثال / exemple : {reason.example}",
            f"  الحل : {fix_ar}",
            f"  Correction : {fix_fr}",
        ]
    return "\n".join(lines)
