"""The HTML part of a bulletin message (issue 11): what a director sees in the mail client without
opening the PDF — rank and change, score, the three rates, the state of the week's files — and,
for the region, the ranking. Filled from the letter's snapshot (what the bulletin states), with
the bulletins' number formats; Arabic first, right to left, then French.
"""

from __future__ import annotations

from schemas import labels
from tasks.bulletins.render import environment, percent_ar, percent_fr

RATES_SHOWN = ("consumption_rate", "certification_rate", "target_progress")
LABELS: dict[str, tuple[str, str]] = {
    "rank": ("الرتبة", "Rang"),
    "rank_change": ("التطور منذ الأسبوع الماضي", "Évolution depuis la semaine dernière"),
    "name": ("المديرية", "Direction"),
    "score": labels.FIGURES["score"],
    **{name: labels.FIGURES[name] for name in RATES_SHOWN},
    "data_status": ("ملفات هذا الأسبوع", "Fichiers de la semaine"),
}
DIRECTOR_ROWS = ("rank", "rank_change", "score", *RATES_SHOWN, "data_status")
REGION_COLUMNS = ("rank", "name", "score", *RATES_SHOWN, "data_status")


def _rank(value) -> tuple[str, str]:
    return ("—", "—") if value is None else (str(int(value)),) * 2


def _change(value) -> tuple[str, str]:
    if value is None:
        return "—", "—"
    text = "=" if value == 0 else f"+{int(value)}" if value > 0 else f"−{-int(value)}"
    return text, text


def _status(figures: dict) -> tuple[str, str]:
    ar, fr = labels.DATA_STATUS.get(figures.get("data_status") or "missing", ("—", "—"))
    if figures.get("provisional"):
        ar, fr = f"{ar} — {labels.PROVISIONAL[0]}", f"{fr} — {labels.PROVISIONAL[1]}"
    return ar, fr


def _values(figures: dict | None) -> dict[str, tuple[str, str]]:
    """Each figure as printed in Arabic and in French."""
    figures = figures or {}
    values = {"rank": _rank(figures.get("rank")), "rank_change": _change(figures.get("rank_change"))}
    score = figures.get("score")
    values["score"] = ("—", "—") if score is None else (f"{score:.2f}", f"{score:.2f}".replace(".", ","))
    for name in RATES_SHOWN:
        values[name] = (percent_ar(figures.get(name)), percent_fr(figures.get(name)))
    values["data_status"] = _status(figures)
    return values


def headline_html(
    scope: str,
    snapshot: dict,
    *,
    names: dict[str, tuple[str, str]],
    words: dict,
) -> str:
    """The message's HTML: for a directorate (`scope` a code) its own figures, for the region the
    ranking. `names`: code -> (Arabic, French) names; `words`: title and center (pairs), period,
    as_of, files."""
    one, ranking = None, []
    if scope in names:
        one = {"rows": [(key, _values(snapshot.get(scope))[key]) for key in DIRECTOR_ROWS]}
    else:
        order = sorted(snapshot, key=lambda code: (snapshot[code] or {}).get("rank") or 10**6)
        for code in order:
            row = _values(snapshot[code])
            ranking.append({**row, "name": names.get(code, (code, code))})
    template = environment().get_template("email.html.j2")
    return template.render(
        one=one, ranking=ranking, columns=REGION_COLUMNS, labels_of=LABELS, subject=words["title"][1], **words
    )
