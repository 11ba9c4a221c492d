"""Why each row counted or not, in words a clerk can check against their own spreadsheet: the
rule of SPEC §4 that applied and the dates or score it compared, in Arabic and in French.

Written over whole columns (no loop over rows); the conditions are the figures' own row rules
(`tasks.evaluation.figures`), so the words cannot say something the counts did not do.
"""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pandas as pd

from nashra.periods import Period

DAY = "%d/%m/%Y"
THIS_WEEK = ("هذا الأسبوع", "cette semaine")


def _dates(values: pd.Series) -> pd.Series:
    return values.dt.strftime(DAY).fillna("")


def _choose(conditions: list[pd.Series], choices: list[pd.Series | str], index: pd.Index) -> pd.Series:
    """The first choice whose condition holds, row by row."""
    picked = np.select([c.to_numpy(dtype=bool) for c in conditions], [_as_array(c, index) for c in choices], "")
    return pd.Series(picked, index=index, dtype=object)


def _as_array(choice: pd.Series | str, index: pd.Index) -> np.ndarray:
    if isinstance(choice, str):
        return np.full(len(index), choice, dtype=object)
    return choice.astype(object).to_numpy()


def voucher_words(ledger: pd.DataFrame, rules: pd.DataFrame, period: Period) -> tuple[pd.Series, pd.Series]:
    """Each ledger row's rule in Arabic and in French, e.g. « expiré : date d'expiration
    20/11/2026 < 22/11/2026 »; `rules` is `figures.voucher_rules` of the same rows."""
    as_of = pd.Timestamp(period.as_of)
    day, horizon = as_of.strftime(DAY), (as_of + timedelta(days=30)).strftime(DAY)
    expires, consumed = _dates(ledger["expires_on"]), _dates(ledger["consumed_on"])
    week_ar = pd.Series(np.where(rules["vouchers_consumed_week"], f" — {THIS_WEEK[0]}", ""), index=ledger.index)
    week_fr = pd.Series(np.where(rules["vouchers_consumed_week"], f" — {THIS_WEEK[1]}", ""), index=ledger.index)
    lapsed = rules["vouchers_expired"] & (ledger["status"] != "expired")
    cases = [  # the first that holds: (condition, Arabic, French)
        (
            ~rules["vouchers_allocated"],
            "ملغاة: لا تحتسب ضمن القسيمات المخصصة",
            "annulé : non compté dans les vouchers attribués",
        ),
        (rules["vouchers_consumed"], "مستهلكة بتاريخ " + consumed + week_ar, "consommé le " + consumed + week_fr),
        (
            lapsed,
            "منتهية الصلاحية: تاريخ الانتهاء " + expires + f" < {day}",
            "expiré : date d'expiration " + expires + f" < {day}",
        ),
        (rules["vouchers_expired"], "منتهية الصلاحية (الحالة)", "expiré (statut)"),
        (
            rules["vouchers_expiring_30d"],
            f"تنتهي خلال 30 يوما: {day} ≤ " + expires + f" ≤ {horizon}",
            f"expire sous 30 jours : {day} ≤ " + expires + f" ≤ {horizon}",
        ),
        (
            pd.Series(True, index=ledger.index),
            "مفتوحة: تنتهي في " + expires + f" (بعد {horizon})",
            "ouvert : expire le " + expires + f" (après le {horizon})",
        ),
    ]
    conditions, arabic, french = (list(column) for column in zip(*cases, strict=True))
    return _choose(conditions, arabic, ledger.index), _choose(conditions, french, ledger.index)


def exam_words(exams: pd.DataFrame, rules: pd.DataFrame, passing_scores: dict[str, int]) -> tuple[pd.Series, pd.Series]:
    """Each exam row's rule: « réussi : note 720 ≥ 700 (MO-200) », « échoué : note 650 < 700 (MO-200) »,
    and « cette semaine » when its date is in the week; `rules` is `figures.exam_rules`."""
    score = exams["score"].astype("string").fillna("")
    threshold = exams["exam_code"].map(passing_scores).astype("string").fillna("?")
    code = " (" + exams["exam_code"].astype("string").fillna("") + ")"
    week = rules["exams_taken_week"]
    passed = rules["exams_passed"]
    arabic = _choose(
        [passed, ~passed],
        ["ناجح: النقطة " + score + " ≥ " + threshold + code, "راسب: النقطة " + score + " < " + threshold + code],
        exams.index,
    ) + np.where(week, f" — {THIS_WEEK[0]}", "")
    french = _choose(
        [passed, ~passed],
        ["réussi : note " + score + " ≥ " + threshold + code, "échoué : note " + score + " < " + threshold + code],
        exams.index,
    ) + np.where(week, f" — {THIS_WEEK[1]}", "")
    return arabic, french


def candidate_words(certified: pd.Series, passed: pd.Series) -> tuple[pd.Series, pd.Series]:
    """A candidate is certified by one passed exam, examined by any exam row."""
    count = passed.astype("string")
    arabic = _choose([certified, ~certified], ["مشهود له: امتحانات ناجحة " + count, "ممتحن دون نجاح بعد"], passed.index)
    french = _choose(
        [certified, ~certified], ["certifié : examens réussis " + count, "examiné, pas encore certifié"], passed.index
    )
    return arabic, french


def not_counted_words(index: pd.Index, status: tuple[str, str]) -> tuple[pd.Series, pd.Series]:
    """A directorate without figures this week (`missing`): its rows are listed, none counted."""
    arabic = f"غير محتسب: بيانات المديرية {status[0]} هذا الأسبوع"
    french = f"non compté : données de la direction {status[1]} cette semaine"
    return pd.Series(arabic, index=index, dtype=object), pd.Series(french, index=index, dtype=object)
