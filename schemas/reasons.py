"""Why a row is quarantined, in words a directorate's staff can act on, in Arabic and French.

Each reason has a code (`column.rule`) used by the schemas; the message names the column by its
header as the file spells it (`{header}`: « Note », « النقطة », not `score`) and may use the
original cell `{value}` and the run's context (`{as_of}`, `{start}`).
"""

from __future__ import annotations

# code -> (Arabic, French). `{header}` is the column's header as the file spells it.
MESSAGES: dict[str, tuple[str, str]] = {
    "missing": ("{header}: خانة فارغة، والقيمة إلزامية", "{header} : cellule vide, la valeur est obligatoire"),
    "candidate_id.invalid": (
        "{header} « {value} »: رقم التأجير يتكون من 5 إلى 8 أرقام",
        "{header} « {value} » : un PPR compte 5 à 8 chiffres",
    ),
    "exam_code.invalid": (
        "{header} « {value} »: رمز امتحان غير مقروء (مثال MO-200)",
        "{header} « {value} » : code d'examen illisible (ex. MO-200)",
    ),
    "exam_code.unknown": (
        "{header} « {value} »: امتحان غير موجود في اللائحة (مثال MO-200)",
        "{header} « {value} » : examen absent du catalogue (ex. MO-200)",
    ),
    "date.invalid": (
        "{header} « {value} »: تاريخ غير مقروء، اكتب يوم/شهر/سنة أو سنة-شهر-يوم",
        "{header} « {value} » : date illisible, écrire JJ/MM/AAAA ou AAAA-MM-JJ",
    ),
    "date.impossible": (
        "{header} « {value} »: تاريخ لا يمكن أن يكون مقصودا (خارج 1900-2099)؛ اكتب التاريخ الحقيقي، "
        "وتاريخ انتهاء صلاحية القسيمة مكتوب عليها",
        "{header} « {value} » : date impossible (hors 1900-2099) ; écrire la vraie date — celle "
        "d'expiration figure sur le voucher",
    ),
    "date.after_as_of": (
        "{header} « {value} »: تاريخ لاحق لتاريخ الحصر {as_of}",
        "{header} « {value} » : date postérieure à la date d'arrêté {as_of}",
    ),
    "exam_date.before_start": (
        "{header} « {value} »: تاريخ سابق لبداية البرنامج {start}",
        "{header} « {value} » : date antérieure au début du programme {start}",
    ),
    "score.invalid": (
        "{header} « {value} »: يجب أن تكون النقطة عددا صحيحا من 0 إلى 1000",
        "{header} « {value} » : la note doit être un nombre entier de 0 à 1000",
    ),
    "score.percent": (
        "{header} « {value} »: النقطة من 1000 وليست نسبة مئوية؛ اكتب النقطة المحصل عليها (مثال 850)",
        "{header} « {value} » : la note est sur 1000, pas un pourcentage ; écrire la note obtenue (ex. 850)",
    ),
    "score.out_of_range": (
        "{header} « {value} »: يجب أن تكون النقطة عددا صحيحا من 0 إلى 1000",
        "{header} « {value} » : la note doit être un nombre entier de 0 à 1000",
    ),
    "passed.invalid": (
        "{header} « {value} »: نتيجة غير معروفة (ناجح/راسب، oui/non)",
        "{header} « {value} » : résultat non reconnu (oui/non, réussi/échoué)",
    ),
    "passed.disagrees": (
        "{header} « {value} »: تتعارض مع النقطة (ناجح إذا كانت النقطة تساوي نقطة النجاح أو تفوقها)",
        "{header} « {value} » : contredit la note (réussi si note ≥ note de passage)",
    ),
    "voucher_code.invalid": (
        "{header} « {value} »: ينتظر من 6 إلى 20 حرفا أو رقما",
        "{header} « {value} » : 6 à 20 lettres ou chiffres attendus",
    ),
    "voucher_code.conflict": (
        "{header} « {value} »: هذه القسيمة واردة في عدة أسطر مختلفة",
        "{header} « {value} » : ce voucher figure sur plusieurs lignes différentes",
    ),
    "status.invalid": (
        "{header} « {value} »: حالة غير معروفة (متاحة، مخصصة، مستهلكة، منتهية الصلاحية، ملغاة)",
        "{header} « {value} » : statut inconnu (disponible, attribué, consommé, expiré, annulé)",
    ),
    "expires_on.before_allocation": (
        "{header} « {value} »: تاريخ انتهاء الصلاحية سابق لتاريخ التخصيص",
        "{header} « {value} » : date d'expiration antérieure à la date d'attribution",
    ),
    "consumed_on.missing": (
        "{header}: إلزامي عندما تكون القسيمة مستهلكة",
        "{header} : obligatoire quand le voucher est consommé",
    ),
    "consumed_on.not_consumed": (
        "{header} « {value} »: يجب أن يبقى فارغا إذا لم تستهلك القسيمة",
        "{header} « {value} » : doit rester vide si le voucher n'est pas consommé",
    ),
    "consumed_on.out_of_range": (
        "{header} « {value} »: يجب أن يكون بين تاريخ التخصيص وتاريخ الحصر {as_of}",
        "{header} « {value} » : doit être entre la date d'attribution et la date d'arrêté {as_of}",
    ),
}


def message(code: str, **fields: str) -> str:
    """One reason in both languages, Arabic first, as the quarantine files and receipts show it."""
    arabic, french = MESSAGES[code]
    return f"{arabic.format(**fields)} / {french.format(**fields)}"


DATE_COLUMNS = ("exam_date", "allocated_on", "expires_on", "consumed_on")


def unreadable_code(column: str) -> str:
    """The reason code for a cell of `column` that could not be read at all."""
    return "date.invalid" if column in DATE_COLUMNS else f"{column}.invalid"
