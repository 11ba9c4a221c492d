"""Bilingual words of the bulletins and e-mails: figures, statuses, warnings, quarantine reasons.

One place for the Arabic and French wording, so the templates stay layout only.
"""

from __future__ import annotations

FIGURES = {
    "vouchers_allocated": ("القسيمات المخصصة", "Vouchers attribués"),
    "vouchers_consumed": ("القسيمات المستهلكة", "Vouchers consommés"),
    "vouchers_expired": ("القسيمات منتهية الصلاحية", "Vouchers expirés"),
    "vouchers_expiring_30d": ("قسيمات تنتهي خلال 30 يوما", "Vouchers expirant sous 30 jours"),
    "consumption_rate": ("نسبة الاستهلاك", "Taux de consommation"),
    "exams_taken": ("الامتحانات المجتازة", "Examens passés"),
    "exams_passed": ("الامتحانات الناجحة", "Examens réussis"),
    "certification_rate": ("نسبة الإشهاد", "Taux de certification"),
    "candidates_examined": ("المترشحون الممتحنون", "Candidats examinés"),
    "candidates_certified": ("المستفيدون المشهود لهم", "Candidats certifiés"),
    "beneficiaries_target": ("العدد المستهدف", "Bénéficiaires visés"),
    "target_progress": ("نسبة الإنجاز", "Taux de réalisation"),
    "exams_taken_week": ("امتحانات الأسبوع", "Examens de la semaine"),
    "exams_passed_week": ("نجاحات الأسبوع", "Réussites de la semaine"),
    "vouchers_consumed_week": ("قسيمات مستهلكة هذا الأسبوع", "Vouchers consommés cette semaine"),
    "score": ("المؤشر التركيبي", "Score"),
}

# What each figure of SPEC §4 counts or computes, in both languages (the evidence workbooks and
# `nashra explain` give them all; the bulletins' definitions box gives those in BULLETIN_DEFINITIONS).
FIGURE_DEFINITIONS = {
    "vouchers_allocated": (
        "أسطر سجل القسيمات غير الملغاة",
        "lignes du registre dont le statut n'est pas « cancelled »",
    ),
    "vouchers_consumed": ("القسيمات بحالة «مستهلكة» (consumed)", "vouchers au statut « consumed »"),
    "vouchers_expired": (
        "منتهية الصلاحية، أو متوفرة/مسندة بتاريخ صلاحية سابق لتاريخ الوضعية",
        "expirés, ou disponibles/attribués dont la date d'expiration est dépassée",
    ),
    "vouchers_expiring_30d": (
        "قسيمات متوفرة أو مسندة تنتهي صلاحيتها خلال 30 يوما بعد تاريخ الوضعية",
        "vouchers disponibles ou attribués qui expirent dans les 30 jours suivant l'arrêté",
    ),
    "consumption_rate": (
        "القسيمات المستهلكة ÷ القسيمات المخصصة (غير الملغاة)",
        "vouchers consommés ÷ vouchers attribués (hors annulés)",
    ),
    "exams_taken": ("أسطر نتائج الامتحانات المقبولة", "lignes acceptées des résultats d'examens"),
    "exams_passed": (
        "الامتحانات التي بلغت نقطتها عتبة النجاح الخاصة بالامتحان",
        "examens dont la note atteint le seuil de réussite de l'examen",
    ),
    "certification_rate": ("الامتحانات الناجحة ÷ الامتحانات المجتازة", "examens réussis ÷ examens passés"),
    "candidates_examined": ("أرقام التأجير المختلفة في نتائج الامتحانات", "PPR distincts des résultats d'examens"),
    "candidates_certified": (
        "أرقام التأجير المختلفة التي نجحت في امتحان واحد على الأقل",
        "PPR distincts ayant réussi au moins un examen",
    ),
    "beneficiaries_target": ("العدد المستهدف للمديرية (المرجع targets.csv)", "objectif de la direction (targets.csv)"),
    "target_progress": ("المترشحون المشهود لهم ÷ العدد المستهدف", "candidats certifiés ÷ bénéficiaires visés"),
    "exams_taken_week": (
        "الامتحانات المجتازة خلال أيام الأسبوع السبعة",
        "examens passés pendant les 7 jours de la semaine",
    ),
    "exams_passed_week": ("الامتحانات الناجحة خلال الأسبوع", "examens réussis pendant la semaine"),
    "vouchers_consumed_week": (
        "القسيمات المستهلكة خلال الأسبوع (حسب تاريخ الاستهلاك)",
        "vouchers consommés pendant la semaine (date de consommation)",
    ),
    "score": (
        "100 × (0.4 × الاستهلاك + 0.3 × الإشهاد + 0.3 × الإنجاز في حدود 100%)",
        "100 × (0,4 × consommation + 0,3 × certification + 0,3 × réalisation plafonnée à 100 %)",
    ),
}
BULLETIN_DEFINITIONS = {
    key: FIGURE_DEFINITIONS[key]
    for key in ("consumption_rate", "certification_rate", "target_progress", "score", "vouchers_expired")
}

DATA_STATUS = {
    "received": ("توصل بها", "reçues"),
    "carried": ("مرحلة", "reportées"),
    "missing": ("غير متوفرة", "manquantes"),
}

INPUT_STATUS = {
    "accepted": ("مقبول", "accepté"),
    "carried": ("مرحل من أسبوع سابق", "reporté d'une semaine antérieure"),
    "rejected": ("مرفوض", "rejeté"),
    "missing": ("غير متوفر", "absent"),
}

SOURCES = {
    "exam_results": ("نتائج الامتحانات", "Résultats d'examens"),
    "voucher_ledger": ("سجل القسيمات", "Registre des vouchers"),
}

WARNINGS = {
    "W1": ("قسيمة امتحان غير موجودة في سجل القسيمات", "voucher d'un examen absent du registre"),
    "W2": ("قسيمة امتحان غير مسجلة كمستهلكة", "voucher d'un examen non marqué « consommé »"),
    "W3": ("قسيمة مستهلكة دون امتحان", "voucher consommé sans examen"),
    "W4": ("قسيمة مسجلة لدى أكثر من مديرية", "voucher présent chez plusieurs directions"),
    "W5": ("تراجع في عدد تراكمي مقارنة بالأسبوع السابق", "baisse d'un cumul par rapport à la semaine précédente"),
    "W6": ("محاولة جديدة بعد النجاح في نفس الامتحان", "nouvelle tentative après réussite au même examen"),
    "P1": ("قسيمات مستهلكة أكثر من الامتحانات المجتازة", "plus de vouchers consommés que d'examens passés"),
    "P2": ("نسبة إشهاد بعيدة عن مستواها في الأسابيع الأخيرة", "taux de certification loin de son niveau récent"),
    "P3": ("عدد امتحانات الأسبوع بعيد عن المعتاد", "volume d'examens de la semaine hors de l'habituel"),
    "E1": ("أكثر من نصف أسطر ملف معزولة", "plus de la moitié des lignes d'un fichier en quarantaine"),
    "E2": (
        "ملف تراكمي فقد أكثر من نصف أسطر آخر ملف مقبول",
        "fichier cumulatif ayant perdu plus de la moitié des lignes du dernier fichier accepté",
    ),
}

SEVERITY = {
    "warning": ("تنبيه", "avertissement"),
    "error": ("خطأ: أرقام مؤقتة", "erreur : chiffres provisoires"),
}

# What a directorate does about a finding, by severity (validation/summary.html).
ACTIONS = {
    "warning": (
        "تحققوا من الأسطر المعنية وصححوا الملف عند الحاجة",
        "vérifier les lignes en cause et corriger le fichier si besoin",
    ),
    "error": (
        "صححوا الملف وأعيدوا إرساله: المديرية غير مرتبة إلى حين ذلك",
        "corriger le fichier et le renvoyer : la direction n'est pas classée d'ici là",
    ),
}

# What moves a directorate up one rank (tasks/evaluation/moves.py), after its count.
MOVES = {
    "vouchers_consumed": ("قسيمة إضافية مستهلكة", "vouchers de plus consommés"),
    "candidates_certified": ("مترشحا إضافيا مشهودا له", "candidats de plus certifiés"),
}

PROVISIONAL = ("بيانات مؤقتة", "données provisoires")
# In place of this week's 0 when the file it is counted from was carried from an earlier week.
NOT_RECEIVED_THIS_WEEK = ("لم يتوصل به هذا الأسبوع", "non reçu cette semaine")

COLUMNS = {
    "candidate_id": ("رقم التأجير", "PPR"),
    "exam_code": ("رمز الامتحان", "code examen"),
    "exam_date": ("تاريخ الامتحان", "date d'examen"),
    "score": ("النقطة", "note"),
    "passed": ("الحكم", "résultat"),
    "voucher_code": ("رقم القسيمة", "code voucher"),
    "allocated_on": ("تاريخ التخصيص", "date d'attribution"),
    "expires_on": ("تاريخ انتهاء الصلاحية", "date d'expiration"),
    "status": ("الحالة", "statut"),
    "consumed_on": ("تاريخ الاستهلاك", "date de consommation"),
}

RULES = {
    "missing": ("فارغ", "vide"),
    "invalid": ("غير مقروء", "illisible"),
    "unknown": ("خارج الفهرس", "hors catalogue"),
    "after_as_of": ("بعد تاريخ الوضعية", "postérieure à l'arrêté"),
    "before_start": ("قبل انطلاق البرنامج", "antérieure au programme"),
    "out_of_range": ("خارج المجال", "hors limites"),
    "disagrees": ("يناقض النقطة", "contredit la note"),
    "conflict": ("مكرر بمحتوى مختلف", "en double, contenu différent"),
    "before_allocation": ("قبل تاريخ التخصيص", "antérieure à l'attribution"),
    "not_consumed": ("لقسيمة غير مستهلكة", "pour un voucher non consommé"),
    "impossible": ("تاريخ مستحيل", "date impossible"),
    "percent": ("نسبة مئوية بدل النقطة", "pourcentage au lieu de la note"),
}


def reason(key: str) -> tuple[str, str]:
    """(Arabic, French) label of a quarantine reason key such as `exam_date.invalid`."""
    column, _, rule = key.partition(".")
    column_ar, column_fr = COLUMNS.get(column, (column, column))
    rule_ar, rule_fr = RULES.get(rule, (rule, rule))
    return f"{column_ar}: {rule_ar}", f"{column_fr} : {rule_fr}"


FIXES = {
    "missing": ("املأ الخانة الفارغة", "remplir la cellule vide"),
    "invalid": ("صحح القيمة حسب الصيغة المطلوبة", "corriger la valeur selon le format attendu"),
    "date.invalid": ("اكتب التاريخ على شكل يوم/شهر/سنة مثل 27/09/2026", "écrire la date JJ/MM/AAAA, ex. 27/09/2026"),
    "unknown": ("استعمل رمز امتحان من الفهرس مثل MO-200", "utiliser un code du catalogue, ex. MO-200"),
    "after_as_of": (
        "تحقق من التاريخ: لا يمكن أن يكون بعد تاريخ الوضعية",
        "vérifier la date : elle ne peut dépasser la date d'arrêté",
    ),
    "before_start": ("تحقق من التاريخ: قبل انطلاق البرنامج", "vérifier la date : antérieure au début du programme"),
    "out_of_range": ("النقطة عدد صحيح من 0 إلى 1000", "la note est un entier de 0 à 1000"),
    "disagrees": (
        "صحح النتيجة أو النقطة: ناجح إذا كانت النقطة 700 أو أكثر",
        "corriger le résultat ou la note : réussi si note ≥ 700",
    ),
    "impossible": (
        "اكتب التاريخ الحقيقي (تاريخ انتهاء الصلاحية مكتوب على القسيمة)",
        "écrire la vraie date (l'expiration figure sur le voucher)",
    ),
    "percent": (
        "اكتب النقطة من 1000 (مثال 850) لا نسبة مئوية",
        "écrire la note sur 1000 (ex. 850), pas un pourcentage",
    ),
    "conflict": ("احذف الأسطر المكررة واحتفظ بالسطر الصحيح فقط", "ne garder qu'une ligne, la bonne, par voucher"),
    "before_allocation": ("تاريخ انتهاء الصلاحية بعد تاريخ التخصيص", "la date d'expiration suit la date d'attribution"),
    "not_consumed": (
        "احذف تاريخ الاستهلاك أو غير الحالة إلى مستهلكة",
        "vider la date de consommation ou passer le statut à « consommé »",
    ),
}


def fix(key: str) -> tuple[str, str]:
    """(Arabic, French) advice for a quarantine reason key such as `exam_date.invalid`."""
    column, _, rule = key.partition(".")
    if rule == "invalid" and column in ("exam_date", "allocated_on", "expires_on", "consumed_on"):
        return FIXES["date.invalid"]
    return FIXES.get(rule, FIXES["invalid"])
