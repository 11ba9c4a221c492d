"""Row contracts applied to one file (SPEC §2.2-2.3): duplicates, quarantine with every reason,
and the row accounting `rows_read = rows_accepted + rows_quarantined + rows_duplicate`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
import pandera.pandas as pa

from nashra.periods import Period
from nashra.reference import Reference
from schemas import columns as parse
from schemas.contracts import SCHEMAS, RuleContext
from schemas.headers import COLUMNS
from schemas.reasons import message, unreadable_code
from tasks.intake.read import RawTable


@dataclass
class ValidatedTable:
    accepted: pd.DataFrame  # canonical typed columns, index = row number
    quarantine: pd.DataFrame  # row, reasons, then the file's original columns
    reason_counts: dict[str, int] = field(default_factory=dict)  # `column.rule` -> rows
    reason_rows: dict[str, list[int]] = field(default_factory=dict)  # `column.rule` -> row numbers
    reason_examples: dict[str, str] = field(default_factory=dict)  # `column.rule` -> its first row's message
    rows_read: int = 0
    rows_duplicate: int = 0
    encoding_doubt: tuple[str, str] | None = None  # (Arabic, French): the file's encoding was a guess
    notes: tuple[tuple[str, str], ...] = ()  # (Arabic, French): the sheet read, rows hidden in Excel
    headers: dict[str, str] = field(default_factory=dict)  # canonical column -> the file's own header
    duplicates: pd.DataFrame | None = None  # row, same_as: each duplicate row and the row it repeats
    # The accepted rows' cells as written in the file, for the evidence workbook; kept in the
    # process that read the file only (WeekFiles.read lets it go before handing the table on).
    written: pd.DataFrame | None = None

    @property
    def rows_accepted(self) -> int:
        return len(self.accepted)

    @property
    def rows_quarantined(self) -> int:
        return len(self.quarantine)


def validate_table(raw: RawTable, source: str, ctx: RuleContext) -> ValidatedTable:
    """Split a file's rows into accepted, quarantined (with reasons) and duplicate rows."""
    frame = raw.frame
    key = parse.voucher_key(frame[raw.columns["voucher_code"]])
    duplicate = frame.duplicated(keep="first") & (key != "")
    rows = frame[~duplicate]
    key = key[~duplicate]

    typed, issues = _parse_columns(rows, raw.columns, source)
    issues.append(_contract_issues(typed, source, ctx))
    conflicts = key[(key != "") & key.duplicated(keep=False)].index
    issues.append(pd.DataFrame({"row": conflicts, "column": "voucher_code", "code": "voucher_code.conflict"}))
    found = _keep_first_reason_per_column(pd.concat(issues, ignore_index=True))

    bad = found["row"].unique()
    found = found.assign(key=_reason_keys(found), message=_messages(rows, raw.columns, found, ctx))
    keys = found.drop_duplicates(["row", "key"]).sort_values("row", kind="stable")
    return ValidatedTable(
        accepted=typed.drop(index=bad),
        quarantine=_quarantine_frame(rows, found),
        reason_counts=keys["key"].value_counts().sort_index().to_dict(),
        reason_rows={key: group["row"].tolist() for key, group in keys.groupby("key")},
        reason_examples=keys.groupby("key")["message"].first().to_dict(),
        rows_read=len(frame),
        rows_duplicate=int(duplicate.sum()),
        encoding_doubt=raw.encoding_doubt,
        notes=raw.notes,
        headers=dict(raw.columns),
        duplicates=_duplicates(frame, duplicate),
        written=rows.drop(index=bad),
    )


def _duplicates(frame: pd.DataFrame, duplicate: pd.Series) -> pd.DataFrame:
    """Each duplicate row (`row`) and the first row it repeats (`same_as`)."""
    if not duplicate.any():
        return pd.DataFrame({"row": pd.Series(dtype="int64"), "same_as": pd.Series(dtype="int64")})
    rows = frame.index.to_series()
    first = rows.groupby([frame[c] for c in frame.columns], sort=False, dropna=False).transform("first")
    return pd.DataFrame({"row": rows[duplicate].to_numpy(), "same_as": first[duplicate].to_numpy()})


def _reason_keys(found: pd.DataFrame) -> pd.Series:
    """`column.rule` keys (`exam_date.invalid`, `score.missing`) to count rows by reason."""
    return found["column"] + "." + found["code"].str.split(".").str[-1]


def typed_cells(rows: pd.DataFrame, headers: dict[str, str], source: str) -> pd.DataFrame:
    """Rows in the file's own columns read as the contract's typed columns (unreadable cells
    missing), without judging them: what a set-aside row would have counted as."""
    return _parse_columns(rows, headers, source)[0]


def _parse_columns(rows: pd.DataFrame, labels: dict[str, str], source: str):
    typed = pd.DataFrame(index=rows.index)
    issues = []
    for name in COLUMNS[source]:
        cells = rows[labels[name]] if name in labels else pd.Series("", index=rows.index)
        parsed = parse.PARSERS[name](cells.astype(object))
        typed[name] = parsed.values
        bad = parsed.unreadable[parsed.unreadable].index
        code = pd.Series(unreadable_code(name), index=bad, dtype=object)
        if parsed.reason is not None:  # a reason of its own: an impossible date, a percentage for a score
            code = parsed.reason.reindex(bad).where(lambda own: own.notna(), code)
        issues.append(pd.DataFrame({"row": bad, "column": name, "code": code.to_numpy(), "unreadable": True}))
    return typed, issues


def _contract_issues(typed: pd.DataFrame, source: str, ctx: RuleContext) -> pd.DataFrame:
    try:
        SCHEMAS[source](ctx).validate(typed, lazy=True)
    except pa.errors.SchemaErrors as errors:
        cases = errors.failure_cases
    else:
        return pd.DataFrame(columns=["row", "column", "code"])
    cases = cases[cases["index"].notna()]
    frame_level = cases["schema_context"] == "DataFrameSchema"
    code = cases["check"].where(cases["check"] != "not_nullable", "missing")
    column = cases["column"].where(~frame_level, code.str.split(".").str[0])
    return pd.DataFrame({"row": cases["index"].astype(int), "column": column, "code": code})


def _keep_first_reason_per_column(issues: pd.DataFrame) -> pd.DataFrame:
    """A cell that could not be read gets that one reason, not also the checks it then fails."""
    issues = issues.assign(unreadable=issues.get("unreadable", False)).fillna({"unreadable": False})
    unreadable = issues[issues["unreadable"].astype(bool)][["row", "column"]].drop_duplicates()
    merged = issues.merge(unreadable.assign(hit=True), on=["row", "column"], how="left")
    keep = merged["unreadable"].astype(bool) | merged["hit"].isna()
    return merged[keep].drop_duplicates(["row", "column", "code"])[["row", "column", "code"]]


def _messages(rows: pd.DataFrame, labels: dict[str, str], found: pd.DataFrame, ctx: RuleContext) -> list[str]:
    """Each reason found, in both languages, naming the column by the file's own header."""
    values = [
        rows.at[row, labels[column]] if column in labels else ""
        for row, column in zip(found["row"], found["column"], strict=True)
    ]
    context = {"as_of": ctx.as_of.strftime("%d/%m/%Y"), "start": ctx.start.strftime("%d/%m/%Y")}
    return [
        message(code, header=labels.get(column, column), value=value, **context)
        for code, column, value in zip(found["code"], found["column"], values, strict=True)
    ]


def _quarantine_frame(rows: pd.DataFrame, found: pd.DataFrame) -> pd.DataFrame:
    """The quarantined rows: `row`, `reasons` (joined by ` | `), then the file's own columns."""
    if found.empty:
        return pd.DataFrame(columns=["row", "reasons", *rows.columns])
    reasons = found.set_index("row")["message"].groupby(level=0, sort=True).agg(" | ".join)
    original = rows.loc[reasons.index]
    return pd.concat(
        [pd.DataFrame({"row": reasons.index, "reasons": reasons.to_numpy()}, index=reasons.index), original],
        axis=1,
    ).reset_index(drop=True)


def rule_context(reference: Reference, period: Period) -> RuleContext:
    return RuleContext(as_of=period.as_of, start=reference.start_date, passing_scores=reference.passing_scores)
