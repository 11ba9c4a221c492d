"""validation/summary.html (issue 11): the week's quality findings per directorate, their severity
and what to do, in Arabic and French — the same facts as the manifest's `warnings`, readable
without Python and without a network (one page, its style inline)."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from pathlib import Path

from nashra.periods import Period
from nashra.reference import Reference
from schemas import labels
from tasks.evaluation.cross_checks import Finding
from tasks.files import write_atomic

STYLE = (
    "body{font-family:sans-serif;margin:1.5em;color:#1d2430}table{border-collapse:collapse}"
    "th,td{border-bottom:1px solid #dde5df;padding:3px 8px;vertical-align:top}th{background:#0b5d3b;color:#fff}"
    ".error{color:#b00020;font-weight:bold}.fr{direction:ltr;text-align:left}.ar{direction:rtl;text-align:right}"
)
HEADERS = (
    ("المديرية", "Direction"),
    ("الرمز", "Code"),
    ("الملاحظة", "Constat"),
    ("الدرجة", "Gravité"),
    ("العدد", "Nombre"),
    ("أمثلة", "Exemples"),
    ("ما العمل", "Que faire"),
)


def _both(pair: tuple[str, str]) -> str:
    arabic, french = escape(pair[0]), escape(pair[1])
    return f'<div class="ar" dir="rtl" lang="ar">{arabic}</div><div class="fr" dir="ltr" lang="fr">{french}</div>'


def _row(finding: Finding, reference: Reference) -> str:
    names = reference.directorates.loc[finding.directorate] if finding.directorate in reference.codes else None
    place = (names["name_ar"], names["name_fr"]) if names is not None else (finding.directorate,) * 2
    cells = [
        _both(place),
        f'<bdi dir="ltr">{escape(finding.code)}</bdi>',
        _both(labels.WARNINGS.get(finding.code, (finding.code, finding.code))),
        f'<span class="{escape(finding.severity)}">{_both(labels.SEVERITY[finding.severity])}</span>',
        str(finding.count),
        "<br>".join(f'<bdi dir="ltr">{escape(str(e))}</bdi>' for e in finding.examples),
        _both(labels.ACTIONS[finding.severity]),
    ]
    return "<tr>" + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>"


def quality_summary(findings: Sequence[Finding], reference: Reference, period: Period) -> str:
    """The page: one row per finding, errors first, then by directorate and code."""
    ordered = sorted(findings, key=lambda f: (f.severity != "error", f.directorate, f.code))
    rows = "".join(_row(f, reference) for f in ordered) or (
        f'<tr><td colspan="{len(HEADERS)}">{_both(("لا ملاحظات هذا الأسبوع", "Aucun constat cette semaine"))}</td></tr>'
    )
    title = f"Constats de qualité des données — {period}"
    heading = (
        f'<div class="ar" dir="rtl" lang="ar">ملاحظات جودة المعطيات — <bdi dir="ltr">{period}</bdi></div>'
        f'<div class="fr" dir="ltr" lang="fr">{escape(title)}</div>'
    )
    head = "".join(f"<th>{_both(pair)}</th>" for pair in HEADERS)
    return (
        f'<!DOCTYPE html><html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>{escape(title)}</title>'
        f"<style>{STYLE}</style></head><body><h1>{heading}</h1>"
        f'<table id="findings"><tr>{head}</tr>{rows}</table>'
        '<p><a href="index.html">Data Docs (Great Expectations)</a></p></body></html>'
    )


def write_quality_summary(folder: Path, findings: Sequence[Finding], reference: Reference, period: Period) -> Path:
    path = Path(folder) / "summary.html"
    write_atomic(path, quality_summary(findings, reference, period).encode("utf-8"))
    return path
