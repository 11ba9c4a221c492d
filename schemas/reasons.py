"""Why a row is quarantined, in words a directorate's staff can act on (French, the working
language of the files; `nashra check` adds Arabic).

Each reason has a code (`column.rule`) used by the schemas; the message template may use the
original cell `{value}` and the run's context (`{as_of}`, `{start}`).
"""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    "missing": "{column} : cellule vide, la valeur est obligatoire",
    "candidate_id.invalid": "candidate_id « {value} » : un PPR compte 5 à 8 chiffres",
    "exam_code.invalid": "exam_code « {value} » : code d'examen illisible (ex. MO-200)",
    "exam_code.unknown": "exam_code « {value} » : examen absent du catalogue (ex. MO-200)",
    "date.invalid": "{column} « {value} » : date illisible, écrire JJ/MM/AAAA ou AAAA-MM-JJ",
    "date.after_as_of": "{column} « {value} » : date postérieure à la date d'arrêté {as_of}",
    "exam_date.before_start": "exam_date « {value} » : date antérieure au début du programme {start}",
    "score.invalid": "score « {value} » : la note doit être un nombre entier de 0 à 1000",
    "score.out_of_range": "score « {value} » : la note doit être un nombre entier de 0 à 1000",
    "passed.invalid": "passed « {value} » : résultat non reconnu (oui/non, réussi/échoué)",
    "passed.disagrees": "passed « {value} » : contredit la note (réussi si note ≥ note de passage)",
    "voucher_code.invalid": "voucher_code « {value} » : 6 à 20 lettres ou chiffres attendus",
    "voucher_code.conflict": "voucher_code « {value} » : ce voucher figure sur plusieurs lignes différentes",
    "status.invalid": "status « {value} » : statut inconnu (disponible, attribué, consommé, expiré, annulé)",
    "expires_on.before_allocation": "expires_on « {value} » : date d'expiration antérieure à la date d'attribution",
    "consumed_on.missing": "consumed_on : obligatoire quand le voucher est consommé",
    "consumed_on.not_consumed": "consumed_on « {value} » : doit rester vide si le voucher n'est pas consommé",
    "consumed_on.out_of_range": (
        "consumed_on « {value} » : doit être entre la date d'attribution et la date d'arrêté {as_of}"
    ),
}

DATE_COLUMNS = ("exam_date", "allocated_on", "expires_on", "consumed_on")


def unreadable_code(column: str) -> str:
    """The reason code for a cell of `column` that could not be read at all."""
    return "date.invalid" if column in DATE_COLUMNS else f"{column}.invalid"
