"""The national bulletin's letters: one to each national recipient (recipients.csv of the national
folder, scope NATIONAL), in the words of the academies' bulletin letters; its snapshot is every
academy's standing, so that an unchanged week is not sent twice and a changed one goes out as a
corrected edition saying which academy's figures moved (the delivery ledger's rules, unchanged).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from nashra.academies import NATIONAL, Nation
from nashra.periods import Period
from tasks.delivery.letters import Letter, bulletin_letter, figures_snapshot
from tasks.national.rollup import ACADEMY

WHERE = ("المستوى الوطني", "niveau national")


def plan_national_letters(nation: Nation, bulletin: Path, period: Period, table: pd.DataFrame) -> list[Letter]:
    """One bulletin letter per national recipient, the national bulletin attached; its headline
    is the academies' ranking."""
    academies = table[table["level"] == ACADEMY].set_index("code")
    snapshot = {code: figures_snapshot(row) for code, row in academies.iterrows()}
    names = {code: (academy.name_ar, academy.name_fr) for code, academy in nation.academies.items()}
    return [
        bulletin_letter(
            NATIONAL,
            (name, email),
            (bulletin,),
            snapshot,
            where=WHERE,
            names=names,
            programme=nation.programme,
            period=period,
        )
        for name, email in nation.recipients[["name", "email"]].itertuples(index=False)
    ]
