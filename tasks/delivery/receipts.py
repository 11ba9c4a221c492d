"""Receipts (issue 3): a directorate whose files had rows set aside, or were rejected, is told so
in Arabic and French, with its own quarantine file attached and what to fix.

A receipt carries only its directorate's rows: the attachments are picked by the directorate's
code from the period's quarantine folder, and the words from its own inputs.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from nashra.periods import Period
from nashra.reference import Reference
from schemas import labels
from schemas.quality import ERROR
from tasks.delivery.letters import Letter, place_names, recipients, reply_to
from tasks.evaluation.cross_checks import Finding
from tasks.intake.ingest import DirectorateData

INTRO_AR = (
    "السلام عليكم،\n\nنتائج مراقبة الملفات التي أرسلتها {where} للأسبوع {period}. الأسطر المعزولة لم تحتسب "
    "في الأرقام: المرجو تصحيحها في الملف الأصلي (أرقام الأسطر أسفله وفي الملف المرفق) ثم إعادة إرسال الملف كاملا."
)
INTRO_FR = (
    "Bonjour,\n\nVoici le contrôle des fichiers envoyés par la {where} pour la semaine {period}. Les lignes mises "
    "en quarantaine ne sont pas comptées dans les chiffres : merci de les corriger dans le fichier d'origine "
    "(numéros de ligne ci-dessous et dans le fichier joint), puis de renvoyer le fichier complet."
)
FORMULAS_NOTE = (
    "في الملفات المرفقة، كل خانة تبدأ بـ = أو + أو - أو @ مسبوقة بفاصلة عليا (') حتى لا ينفذها إكسل. / "
    "Dans les fichiers joints, toute cellule commençant par =, +, - ou @ est précédée d'une apostrophe (') "
    "pour qu'Excel ne l'exécute pas."
)
EVIDENCE_NOTE = (
    "الملف المرفق {name} يضم الأسطر التي بني عليها كل رقم، والأسطر المستبعدة وأسبابها. / "
    "Le classeur joint {name} liste les lignes derrière chaque chiffre, et les lignes écartées avec leur raison."
)
CHECK_HINT = (
    "قبل الإرسال، يعطي الأمر nashra check نفس المراقبة. / "
    "Avant l'envoi, « nashra check FICHIER » fait le même contrôle."
)


def _file_lines(directorate: DirectorateData) -> list[str]:
    lines = []
    for source, data in directorate.sources.items():
        source_ar, source_fr = labels.SOURCES[source]
        for drop, reason in data.rejected:
            lines.append(f"✗ {source_ar} / {source_fr} ({drop.period}, {drop.path.name}) : مرفوض / rejeté — {reason}")
        if data.table is not None and data.used_period == directorate.period:
            for doubt_ar, doubt_fr in filter(None, (data.table.encoding_doubt, *data.table.notes)):
                lines.append(f"? {source_ar} / {source_fr} ({data.used_period}) : {doubt_ar} / {doubt_fr}")
        if data.table is not None and (data.table.rows_quarantined or data.table.rows_duplicate):
            t = data.table
            lines.append(
                f"• {source_ar} / {source_fr} ({data.used_period}) : {t.rows_read} lignes lues, "
                f"{t.rows_accepted} acceptées, {t.rows_quarantined} en quarantaine, {t.rows_duplicate} doublons"
            )
            for key, count in sorted(t.reason_counts.items()):
                label_ar, label_fr = labels.reason(key)
                fix_ar, fix_fr = labels.fix(key)
                rows = ", ".join(map(str, t.reason_rows[key][:10])) + ("…" if count > 10 else "")
                lines.append(f"    - {label_ar} / {label_fr} : {count} (lignes {rows})")
                lines.append(f"      {fix_ar} / {fix_fr}")
    return lines


def _provisional_lines(findings, code: str) -> list[str]:
    """Why the directorate's figures are provisional (error-level findings), in both languages."""
    lines = []
    for finding in findings:
        if finding.directorate == code and finding.severity == ERROR:
            label_ar, label_fr = labels.WARNINGS.get(finding.code, (finding.code, finding.code))
            said = "; ".join(map(str, finding.examples))
            lines.append(
                f"✗ {labels.PROVISIONAL[0]} / {labels.PROVISIONAL[1]} — {finding.code} : {label_ar} / {label_fr}"
                + (f" ({said})" if said else "")
                + " — غير مرتبة هذا الأسبوع / non classée cette semaine"
            )
    return lines


def plan_receipts(
    reference: Reference,
    period: Period,
    directorates: dict[str, DirectorateData],
    quarantine_dir: Path,
    *,
    findings: Sequence[Finding] = (),
    evidence_dir: Path | None = None,
) -> list[Letter]:
    """One receipt per recipient of each directorate that has something to fix: rows set aside,
    files rejected, or figures made provisional by an error-level finding. Its evidence workbook
    (`evidence_dir/<CODE>.xlsx`) goes last: over the size guard, it is the one left out."""
    letters = []
    for code, directorate in directorates.items():
        lines = _provisional_lines(findings, code) + _file_lines(directorate)
        if not lines:
            continue
        # The quarantined rows and the reasons of rejected files; not the rejected copies, which they have.
        own = sorted(quarantine_dir.glob(f"{code}_*"))
        attachments = tuple(p for p in own if p.suffix == ".txt" or (p.suffix == ".csv" and "_rejected" not in p.name))
        evidence = evidence_dir / f"{code}.xlsx" if evidence_dir is not None else None
        evidence = evidence if evidence is not None and evidence.is_file() else None
        attachments += (evidence,) if evidence is not None else ()
        where_ar, where_fr = place_names(reference, code)
        intro = [INTRO_AR.format(where=where_ar, period=period), "", INTRO_FR.format(where=where_fr, period=period)]
        signature = f"— {reference.programme.get('center_ar', '')} / {reference.programme.get('center_fr', '')}"
        notes = [FORMULAS_NOTE, ""] if any(p.suffix == ".csv" for p in attachments) else []
        notes += [EVIDENCE_NOTE.format(name=evidence.name), ""] if evidence is not None else []
        body = "\n".join([*intro, "", *lines, "", *notes, CHECK_HINT, "", signature]) + "\n"
        subject = f"إشعار بمراقبة الملفات — {period} | Contrôle des fichiers MOS {period} — {where_fr}"
        for name, email in recipients(reference, code):
            snapshot = {code: lines}
            letters.append(
                Letter("receipt", code, name, email, subject, body, attachments, snapshot, reply_to=reply_to(reference))
            )
    return letters
