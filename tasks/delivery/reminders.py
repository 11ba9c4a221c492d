"""Reminders (issue 14): before the bulletins are made, each directorate with no accepted file
yet for the period (nothing sent, or only refused files) is told what is missing or why its file
was refused, when the bulletins are made, the date of its last accepted file and how to check a
file before sending it; the regional recipients get the roll call of who has and has not sent.

Each is a letter of the ledger's kind `reminder`, its snapshot the period and its scope alone:
sent once per period and recipient, whatever the reminder times; a directorate whose files are in
is not written to again (and a reminder of its still waiting to go out is withdrawn).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from nashra.periods import TIMEZONE, Period
from nashra.reference import REGION, Reference
from schemas import labels
from schemas.headers import SOURCES
from tasks.bulletins.render import environment
from tasks.delivery.ledger import REMINDER
from tasks.delivery.letters import Letter, place_names, recipients
from tasks.intake.discover import Drop, PeriodFolder
from tasks.intake.ingest import DirectorateData
from tasks.outputs.register import submission_register

OUTCOME_WORDS = {
    "accepted": ("ملف مقبول", "fichier accepté"),
    "rejected": ("ملف مرفوض", "fichier refusé"),
    "missing": ("لم يصل أي ملف", "aucun fichier reçu"),
}


@dataclass(frozen=True)
class Standing:
    """One directorate's file of one source for the period, as the reminders see it."""

    code: str
    source: str
    outcome: str  # accepted | rejected (sent, refused) | missing (nothing sent for the period)
    reason: str | None  # why the period's file was refused, in Arabic / French
    last_accepted: tuple[str, date] | None  # the period of the last accepted file and the day it was saved


def standings(directorates: dict[str, DirectorateData], folder: PeriodFolder) -> list[Standing]:
    """Every directorate and source: its file of `folder`'s period accepted, refused, or not sent."""
    refusals = {(i["directorate"], i["source"]): str(i["reason"]) for i in folder.ignored}
    found = []
    for row in submission_register(directorates, folder, seen_dir=None):
        code, source = row["directorate"], row["source"]
        data = directorates[code].sources[source]
        outcome = {"accepted": "accepted", "rejected": "rejected"}.get(row["outcome"], "missing")
        own: list[str | None] = [why for drop, why in data.rejected if drop.period == folder.period]
        reason = (own or [refusals.get((code, source))])[0] if outcome == "rejected" else None
        found.append(Standing(code, source, outcome, reason, _last_accepted(data.drop) if data.drop else None))
    return found


def _last_accepted(drop: Drop) -> tuple[str, date]:
    """The period of the file in use and the day it was saved (Africa/Casablanca)."""
    saved = datetime.fromtimestamp(drop.path.stat().st_mtime, TIMEZONE).date()
    return str(drop.period), saved


def to_remind(found: list[Standing]) -> dict[str, list[Standing]]:
    """The directorates with a source not accepted for the period, with those sources."""
    waiting: dict[str, list[Standing]] = {}
    for standing in found:
        if standing.outcome != "accepted":
            waiting.setdefault(standing.code, []).append(standing)
    return waiting


def _lines(standing: Standing) -> tuple[str, str]:
    """`- Résultats d'examens : fichier refusé (motif ci-dessous)` in both languages."""
    source_ar, source_fr = labels.SOURCES[standing.source]
    said_ar, said_fr = OUTCOME_WORDS[standing.outcome]
    if standing.reason:
        said_ar, said_fr = f"{said_ar} (السبب أسفله)", f"{said_fr} (motif ci-dessous)"
    return f"- {source_ar}: {said_ar}", f"- {source_fr} : {said_fr}"


def _reasons(sources: list[Standing]) -> str:
    """Why each refused file was refused, once, in the words of the check (Arabic / French)."""
    lines = [f"- {labels.SOURCES[s.source][1]} : {s.reason}" for s in sources if s.reason]
    return "السبب / Motif :\n" + "\n".join(lines) + "\n\n" if lines else ""


def _last_words(sources: list[Standing]) -> tuple[str, str]:
    known = [s.last_accepted for s in sources if s.last_accepted]
    if not known:
        return "آخر ملف مقبول: لا يوجد.", "Dernier fichier accepté : aucun."
    period, saved = max(known)
    day = saved.strftime("%d/%m/%Y")
    return f"آخر ملف مقبول: الأسبوع {period}، بتاريخ {day}.", f"Dernier fichier accepté : semaine {period}, du {day}."


def reminder_letter(
    reference: Reference, period: Period, code: str, sources: list[Standing], recipient: tuple[str, str]
) -> Letter:
    """One directorate's reminder, Arabic then French."""
    where_ar, where_fr = place_names(reference, code)
    when_ar, when_fr = reference.bulletins_time.words
    lines = [_lines(s) for s in sources]
    last_ar, last_fr = _last_words(sources)
    check = f"nashra check FICHIER --directorate {code} --period {period}"
    body = (
        f"السلام عليكم،\n\nلم نتوصل بعد بملف مقبول من {where_ar} للأسبوع {period}:\n"
        + "\n".join(ar for ar, _ in lines)
        + f"\nستعد النشرة الأسبوعية يوم {when_ar} (توقيت المغرب). {last_ar}\n"
        f"للتحقق من ملف قبل إرساله: {check}\n\n"
        f"Bonjour,\n\nPour la semaine {period}, nous n'avons pas encore de fichier accepté de la {where_fr} :\n"
        + "\n".join(fr for _, fr in lines)
        + f"\nLe bulletin hebdomadaire sera établi {when_fr} (heure du Maroc). {last_fr}\n"
        f"Pour vérifier un fichier avant de l'envoyer : {check}\n\n"
        + _reasons(sources)
        + f"— {reference.programme.get('center_ar', '')} / {reference.programme.get('center_fr', '')}\n"
    )
    subject = f"تذكير: ملفات الأسبوع {period} | Rappel : fichiers de la semaine {period} — {where_fr}"
    name, email = recipient
    snapshot = {"period": str(period), "scope": code}
    reply = reference.programme.get("center_email", "")
    return Letter(REMINDER, code, name, email, subject, body, (), snapshot, reply_to=reply)


def roll_call_letter(reference: Reference, period: Period, found: list[Standing], recipient: tuple[str, str]) -> Letter:
    """The regional recipients' table: each directorate's two files, and how many have sent."""
    by_code = {(s.code, s.source): s for s in found}
    rows = [
        {"code": code, "names": (names.name_ar, names.name_fr), "cells": [by_code[(code, src)] for src in SOURCES]}
        for code, names in reference.directorates.iterrows()
    ]
    complete = sum(all(c.outcome == "accepted" for c in row["cells"]) for row in rows)
    text = "\n".join(
        f"{row['code']:<6} " + "  ".join(f"{OUTCOME_WORDS[c.outcome][1]:<21}" for c in row["cells"]) for row in rows
    )
    when_ar, when_fr = reference.bulletins_time.words
    body = (
        f"السلام عليكم،\n\nوضعية ملفات الأسبوع {period}: {complete} مديرية من {len(rows)} أرسلت ملفيها مقبولين. "
        f"ستعد النشرة يوم {when_ar}.\n\n"
        f"Bonjour,\n\nFichiers de la semaine {period} : {complete} directions sur {len(rows)} ont leurs deux "
        f"fichiers acceptés. Le bulletin sera établi {when_fr}.\n\n"
        f"{'code':<6} " + "  ".join(f"{labels.SOURCES[s][1]:<21}" for s in SOURCES) + "\n" + text + "\n"
    )
    html = (
        environment()
        .get_template("roll_call.html.j2")
        .render(
            period=str(period),
            rows=rows,
            sources=[labels.SOURCES[s] for s in SOURCES],
            words=OUTCOME_WORDS,
            complete=complete,
            when=(when_ar, when_fr),
        )
    )
    subject = f"تذكير: وضعية ملفات الأسبوع {period} | Rappel : fichiers reçus, semaine {period}"
    name, email = recipient
    snapshot = {"period": str(period), "scope": REGION}
    reply = reference.programme.get("center_email", "")
    return Letter(REMINDER, REGION, name, email, subject, body, (), snapshot, html=html, reply_to=reply)


def plan_reminders(reference: Reference, period: Period, found: list[Standing]) -> list[Letter]:
    """A reminder to each recipient of a directorate with a file not accepted; the roll call to the
    regional recipients, unless every file is in."""
    waiting = to_remind(found)
    letters = [
        reminder_letter(reference, period, code, sources, recipient)
        for code, sources in waiting.items()
        for recipient in recipients(reference, code)
    ]
    if waiting:
        letters += [
            roll_call_letter(reference, period, found, recipient) for recipient in recipients(reference, REGION)
        ]
    return letters
