"""The evidence workbook's sheets as DataFrames (issue 26): every row a directorate's figures
considered, with its file, its row number as the clerk sees it (header = row 1), its cells as
written, a column per figure it counts in (1) and the rule in both languages; the rows set
aside; the files. Plain frames: `book.py` writes them.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from nashra.periods import Period
from nashra.reference import Reference
from schemas import labels
from schemas.headers import EXAM_RESULTS, VOUCHER_LEDGER
from tasks.evaluation.figures import FIGURES, WEEK_FIGURES, exam_rules, voucher_rules, with_pass_flag
from tasks.intake.ingest import DirectorateData, SourceData
from tasks.intake.validate import typed_cells
from tasks.outputs.evidence import rules

FILE, ROW, SOURCE = "الملف / fichier", "السطر / ligne", "المصدر / source"
RULE_AR, RULE_FR = "القاعدة", "règle"
REASONS = "الأسباب / raisons"
WOULD_HAVE_COUNTED = "كان سيحتسب في / aurait compté dans"
CANDIDATE_COLUMNS = {
    "candidate_id": "candidate_id",
    "exams": "امتحانات / examens",
    "passed": "ناجحة / réussis",
    "first_row": "أول سطر / première ligne",
}


@dataclass(frozen=True)
class EvidenceBasis:
    """What a directorate's evidence depends on besides its rows: the run's period (as-of and
    week), the exam catalogue and the targets. Small and picklable: it travels to the workers."""

    period: Period
    passing_scores: dict[str, int]
    targets: dict[str, int]

    @classmethod
    def of(cls, reference: Reference, period: Period) -> EvidenceBasis:
        return cls(period, dict(reference.passing_scores), reference.targets.astype("int64").to_dict())


def file_label(source: SourceData) -> str:
    """The file as it sits in the raw folder (`2026-W47/FES/exam_results.csv`), not the server's path."""
    if source.drop is None:
        return ""
    return f"{source.drop.period}/{source.drop.path.parent.name}/{source.drop.path.name}"


def _written(source: SourceData) -> pd.DataFrame:
    """The accepted rows' cells as written, without the candidates' names (no name leaves a run)."""
    table = source.table
    if table is None or table.written is None:
        return pd.DataFrame()
    name = table.headers.get("candidate_name")
    return _own_names(table.written.drop(columns=[name] if name in table.written.columns else []))


def _own_names(cells: pd.DataFrame) -> pd.DataFrame:
    """The file's headers as written, but one that is also a column of ours (a file whose score
    column is headed `score`, as the figure is named) gets ` ·` after it."""
    ours = {*FIGURES, FILE, ROW, SOURCE, RULE_AR, RULE_FR, REASONS, WOULD_HAVE_COUNTED}
    return cells.rename(columns={c: f"{c} ·" for c in cells.columns if c in ours})


def _flags(rules_frame: pd.DataFrame, counted: bool) -> pd.DataFrame:
    """1 where the row counts in the figure, empty where it does not (empty everywhere when the
    directorate has no figures)."""
    return rules_frame.astype("Int64").where(rules_frame & counted)


def _rows_sheet(source: SourceData, typed: pd.DataFrame, flags: pd.DataFrame, words) -> pd.DataFrame:
    front = pd.DataFrame({FILE: file_label(source), ROW: typed.index}, index=typed.index)
    written = _written(source).reindex(typed.index)
    return pd.concat([front, written, flags, pd.DataFrame({RULE_AR: words[0], RULE_FR: words[1]})], axis=1)


def accepted_rows(data: DirectorateData, source: str) -> pd.DataFrame:
    """The accepted rows of `source`, typed (none when the directorate has no usable file)."""
    rows = data.sources[source].rows
    return rows if rows is not None else typed_cells(pd.DataFrame(), {}, source)


def voucher_sheet(data: DirectorateData, ledger: pd.DataFrame, basis: EvidenceBasis) -> pd.DataFrame:
    """`ledger`: accepted_rows of the voucher ledger."""
    found = voucher_rules(ledger, basis.period)
    words = rules.voucher_words(ledger, found, basis.period)
    if not data.present:
        words = rules.not_counted_words(ledger.index, labels.DATA_STATUS[data.data_status])
    return _rows_sheet(data.sources[VOUCHER_LEDGER], ledger, _flags(found, data.present), words)


def exam_sheet(data: DirectorateData, exams: pd.DataFrame, basis: EvidenceBasis) -> pd.DataFrame:
    """`exams`: accepted_rows of the exam results, with `is_pass` (with_pass_flag)."""
    found = exam_rules(exams, basis.period)
    words = rules.exam_words(exams, found, basis.passing_scores)
    if not data.present:
        words = rules.not_counted_words(exams.index, labels.DATA_STATUS[data.data_status])
    return _rows_sheet(data.sources[EXAM_RESULTS], exams, _flags(found, data.present), words)


def candidate_sheet(data: DirectorateData, exams: pd.DataFrame) -> pd.DataFrame:
    """One row per candidate_id: examined (any exam row), certified (a passed exam)."""
    rows = exams.rename_axis("row").reset_index()
    each = rows.groupby("candidate_id", sort=False).agg(
        exams=("row", "size"), passed=("is_pass", "sum"), first_row=("row", "min")
    )
    each = each.sort_values("first_row", kind="stable")
    found = pd.DataFrame(
        {"candidates_examined": pd.Series(True, index=each.index), "candidates_certified": each["passed"] > 0}
    )
    words = rules.candidate_words(found["candidates_certified"], each["passed"])
    if not data.present:
        words = rules.not_counted_words(each.index, labels.DATA_STATUS[data.data_status])
    table = each.rename_axis("candidate_id").reset_index().rename(columns=CANDIDATE_COLUMNS)
    flags = _flags(found, data.present).reset_index(drop=True)
    return pd.concat([table, flags, pd.DataFrame({RULE_AR: words[0].to_numpy(), RULE_FR: words[1].to_numpy()})], axis=1)


def week_sheet(vouchers: pd.DataFrame, exams: pd.DataFrame) -> pd.DataFrame:
    """The rows this week's figures count, from the two families' sheets."""
    parts = []
    for source, sheet in ((EXAM_RESULTS, exams), (VOUCHER_LEDGER, vouchers)):
        flags = sheet[[f for f in WEEK_FIGURES if f in sheet.columns]]
        chosen = sheet[flags.notna().any(axis=1)]
        front = pd.DataFrame({SOURCE: " / ".join(labels.SOURCES[source])}, index=chosen.index)
        parts.append(pd.concat([front, chosen[[FILE, ROW]], chosen[flags.columns], chosen[[RULE_AR, RULE_FR]]], axis=1))
    week = pd.concat(parts, ignore_index=True)
    return week[[SOURCE, FILE, ROW, *WEEK_FIGURES, RULE_AR, RULE_FR]]


def _would_have_counted(source: str, quarantined: pd.DataFrame, headers: dict, basis: EvidenceBasis) -> pd.Series:
    """The figures each quarantined row's rule would have counted it in, on the cells that can be
    read: a cell that cannot be read meets no condition that needs its value (a status that is
    `consumed`, a date in the week) and every one that asks for its absence (a status other
    than `cancelled`): « would have counted » means « may well have counted »."""
    typed = typed_cells(quarantined, headers, source)
    if source == VOUCHER_LEDGER:
        found = voucher_rules(typed, basis.period)
    else:
        found = exam_rules(with_pass_flag(typed, basis.passing_scores), basis.period)
    joined = pd.Series("", index=found.index, dtype=object)
    for column in found.columns:  # a handful of figures, each over the whole column
        joined = joined + pd.Series(column + ", ", index=found.index).where(found[column], "")
    return joined.str.removesuffix(", ")


def set_aside_sheet(data: DirectorateData, basis: EvidenceBasis) -> pd.DataFrame:
    """Quarantined rows with their reasons and what they would have counted in; duplicates with
    the row they repeat. Cells as written, without names."""
    parts = []
    for source_name, source in data.sources.items():
        table = source.table
        if table is None:
            continue
        name = table.headers.get("candidate_name")
        kind = " / ".join(labels.SOURCES[source_name])
        quarantined = table.quarantine.drop(columns=["row", "reasons"])
        if not quarantined.empty:
            counted = _would_have_counted(source_name, quarantined, table.headers, basis)
            front = pd.DataFrame(
                {
                    SOURCE: kind,
                    FILE: file_label(source),
                    ROW: table.quarantine["row"],
                    REASONS: table.quarantine["reasons"],
                }
            )
            cells = _own_names(quarantined.drop(columns=[name] if name in quarantined.columns else []))
            parts.append(pd.concat([front, cells, pd.DataFrame({WOULD_HAVE_COUNTED: counted})], axis=1))
        if table.duplicates is not None and not table.duplicates.empty:
            same = table.duplicates["same_as"].astype(str)
            reason = "تكرار مطابق للسطر " + same + " / doublon exact de la ligne " + same
            parts.append(
                pd.DataFrame({SOURCE: kind, FILE: file_label(source), ROW: table.duplicates["row"], REASONS: reason})
            )
    if not parts:
        return pd.DataFrame(columns=[SOURCE, FILE, ROW, REASONS, WOULD_HAVE_COUNTED])
    frame = pd.concat(parts, ignore_index=True)
    ordered = [SOURCE, FILE, ROW, REASONS, WOULD_HAVE_COUNTED]
    return frame[ordered + [c for c in frame.columns if c not in ordered]]
