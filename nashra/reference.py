"""Reference data (directorates, exams, targets, programme, recipients), checked at start.

A broken reference file stops the run before anything is read, with a message naming the file
and the line, because every figure depends on it.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from nashra.periods import PeriodError, WeeklyTime

REGION = "REGION"  # the scope of the regional bulletin and its recipients
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# A control character (a line break would break every message's header), a C1 control, a line or
# paragraph separator, or a bidi embedding, override or isolate (U+202E turns a name around in
# a Subject or To header): in no reference cell. The marks U+200E/U+200F/U+061C stay allowed.
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
NAME_LIMIT = 200
"""The most characters of a name or title: what the history database's columns hold and what
fits a message header (RFC 5322's 998 per line); `tasks/outputs/history_db.py` uses it."""
CODE = re.compile(r"[A-Z][A-Z0-9]{1,15}")  # a directorate code: folders, files, a 16-character column
NAME_COLUMNS = ("name", "name_ar", "name_fr", "title_ar", "title_fr")


class ReferenceError(ValueError):
    """A reference file is missing or wrong; the message names the file and line."""


@dataclass(frozen=True)
class Reference:
    directorates: pd.DataFrame  # index code; name_ar, name_fr, kind
    exams: pd.DataFrame  # index exam_code; title_fr, title_ar, level, passing_score
    targets: pd.Series  # index directorate code -> beneficiaries_target
    programme: dict[str, str]
    recipients: pd.DataFrame  # scope, name, email

    @property
    def codes(self) -> list[str]:
        return list(self.directorates.index)

    @property
    def directorate_names(self) -> dict[str, tuple[str, str]]:
        """Code -> (French, Arabic) name: a drop folder may be named by either (SPEC §8)."""
        return {code: (row.name_fr, row.name_ar) for code, row in self.directorates.iterrows()}

    @property
    def passing_scores(self) -> dict[str, int]:
        """Exam code -> passing score: a pass is a score at or above it (SPEC §4)."""
        return self.exams["passing_score"].astype(int).to_dict()

    @property
    def start_date(self) -> date:
        return date.fromisoformat(self.programme["start_date"])

    @property
    def phase_deadline(self) -> date:
        return date.fromisoformat(self.programme["phase_deadline"])

    @property
    def bulletins_time(self) -> WeeklyTime:
        """When the weekly bulletins are made (programme.csv `bulletins_time`, default Monday 07:00)."""
        return WeeklyTime.parse(self.programme.get("bulletins_time", DEFAULT_TIMES["bulletins_time"]))

    @property
    def reminders_time(self) -> WeeklyTime:
        """When directorates that have not sent are reminded (`reminders_time`, default Monday 06:00)."""
        return WeeklyTime.parse(self.programme.get("reminders_time", DEFAULT_TIMES["reminders_time"]))


def read_rows(path: Path, columns: list[str]) -> list[tuple[int, dict[str, str]]]:
    """Rows of a reference CSV with their line numbers; every listed column must be filled."""
    if not path.is_file():
        raise ReferenceError(f"{path}: reference file not found")
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in columns if c not in (reader.fieldnames or [])]
            if missing:
                raise ReferenceError(f"{path}:1: missing column(s) {', '.join(missing)}")
            rows = []
            for row in reader:
                line = reader.line_num
                cells = {k: (v or "").strip() for k, v in row.items() if k is not None}
                empty = [c for c in columns if not cells.get(c)]
                if empty:
                    raise ReferenceError(f"{path}:{line}: empty value for {', '.join(empty)}")
                _check_cells(path, line, cells)
                rows.append((line, cells))
    except UnicodeDecodeError as error:
        raise ReferenceError(f"{path}: not UTF-8 text ({error.reason})") from None
    return rows


def _check_cells(path: Path, line: int, cells: dict[str, str]) -> None:
    """No control or bidi-override character in any cell; names within NAME_LIMIT (SPEC §8)."""
    for column, value in cells.items():
        if found := CONTROL.search(value):
            raise ReferenceError(
                f"{path}:{line}: {column} holds the control or bidi character U+{ord(found[0]):04X} "
                "(a line break, a tab or an invisible direction mark); retype it"
            )
        named = column in NAME_COLUMNS or (column == "value" and cells["key"].startswith(("name", "academy")))
        if named and len(value) > NAME_LIMIT:
            raise ReferenceError(f"{path}:{line}: {column} has {len(value)} characters, more than {NAME_LIMIT}")


def unique(path: Path, rows: list[tuple[int, dict[str, str]]], key: str) -> None:
    seen: dict[str, int] = {}
    for line, cells in rows:
        if cells[key] in seen:
            raise ReferenceError(f"{path}:{line}: {key} {cells[key]!r} already on line {seen[cells[key]]}")
        seen[cells[key]] = line


def _whole_number(path: Path, line: int, column: str, value: str, least: int = 0) -> int:
    if not (value.isascii() and value.isdigit()) or int(value) < least:
        kind = "a positive whole number" if least > 0 else "a whole number"
        raise ReferenceError(f"{path}:{line}: {column} {value!r} is not {kind}")
    return int(value)


def load_reference(folder: Path) -> Reference:
    """Read and check the five reference files of `folder`."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ReferenceError(f"{folder}: reference folder not found")
    directorates = _directorates(folder / "directorates.csv")
    codes = set(directorates.index)
    return Reference(
        directorates=directorates,
        exams=_exams(folder / "exams.csv"),
        targets=_targets(folder / "targets.csv", codes).reindex(directorates.index),
        programme=read_programme(folder / "programme.csv"),
        recipients=_recipients(folder / "recipients.csv", codes),
    )


def _directorates(path: Path) -> pd.DataFrame:
    rows = read_rows(path, ["code", "name_ar", "name_fr", "kind"])
    unique(path, rows, "code")
    for line, cells in rows:  # a code names folders, files and the history database's rows (16 characters)
        if not CODE.fullmatch(cells["code"]):
            raise ReferenceError(f"{path}:{line}: code {cells['code']!r} is not 2 to 16 capital letters or digits")
    return pd.DataFrame([c for _, c in rows]).set_index("code")[["name_ar", "name_fr", "kind"]]


def _exams(path: Path) -> pd.DataFrame:
    rows = read_rows(path, ["exam_code", "title_fr", "title_ar", "level", "passing_score"])
    unique(path, rows, "exam_code")
    scores = [_whole_number(path, line, "passing_score", cells["passing_score"]) for line, cells in rows]
    return pd.DataFrame([c for _, c in rows]).assign(passing_score=scores).set_index("exam_code")


def _targets(path: Path, codes: set[str]) -> pd.Series:
    rows = read_rows(path, ["directorate_code", "beneficiaries_target"])
    unique(path, rows, "directorate_code")
    targets = {}
    for line, cells in rows:
        if cells["directorate_code"] not in codes:
            raise ReferenceError(f"{path}:{line}: unknown directorate {cells['directorate_code']!r}")
        targets[cells["directorate_code"]] = _whole_number(
            path, line, "beneficiaries_target", cells["beneficiaries_target"], least=1
        )  # a target of 0 would make every directorate's progress 0 (or infinite)
    if absent := sorted(codes - targets.keys()):
        raise ReferenceError(f"{path}: no target for {', '.join(absent)}")
    return pd.Series(targets, name="beneficiaries_target")


DEFAULT_TIMES = {"bulletins_time": "Monday 07:00", "reminders_time": "Monday 06:00"}  # Africa/Casablanca
ACADEMY_PROGRAMME = ("start_date", "phase_deadline", "name_ar", "name_fr", "academy_ar", "academy_fr")


def read_programme(path: Path, required: tuple[str, ...] = ACADEMY_PROGRAMME) -> dict[str, str]:
    """programme.csv's keys and values; the `required` keys present, the dates as YYYY-MM-DD."""
    programme = {cells["key"]: cells["value"] for _, cells in read_rows(path, ["key", "value"])}
    for key in required:
        if key not in programme:
            raise ReferenceError(f"{path}: missing key {key!r}")
    for key in ("start_date", "phase_deadline"):
        try:
            date.fromisoformat(programme[key])
        except ValueError:
            raise ReferenceError(f"{path}: {key} {programme[key]!r} is not YYYY-MM-DD") from None
    for key in DEFAULT_TIMES.keys() & programme.keys():
        try:
            WeeklyTime.parse(programme[key])
        except PeriodError as error:
            raise ReferenceError(f"{path}: {key} {error}") from None
    return programme


def _recipients(path: Path, codes: set[str]) -> pd.DataFrame:
    return read_recipients(path, {REGION, *codes}, "is neither REGION nor a directorate")


def read_recipients(path: Path, scopes: set[str], refusal: str) -> pd.DataFrame:
    """Recipients whose scope is one of `scopes` (else the line `refusal`), each with an e-mail
    address and a name without line breaks (it goes into a message header)."""
    rows = read_rows(path, ["scope", "name", "email"])
    for line, cells in rows:
        if cells["scope"] not in scopes:
            raise ReferenceError(f"{path}:{line}: scope {cells['scope']!r} {refusal}")
        if not EMAIL.match(cells["email"]):
            raise ReferenceError(f"{path}:{line}: {cells['email']!r} is not an e-mail address")
    return pd.DataFrame([c for _, c in rows], columns=["scope", "name", "email"])
