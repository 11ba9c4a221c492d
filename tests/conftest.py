"""Shared fixtures: the reference data, a rule context, writers of real CSV/XLSX files."""

from __future__ import annotations

import csv
import io
import os
from datetime import date
from pathlib import Path
from unittest import mock

import pytest

from nashra.paths import REFERENCE_DIR
from nashra.periods import Period
from nashra.reference import load_reference
from schemas.contracts import RuleContext

PERIOD = Period.parse("2026-W47")  # Monday 16/11/2026 to Sunday 22/11/2026


@pytest.fixture(scope="session")
def reference():
    return load_reference(REFERENCE_DIR)


@pytest.fixture(scope="session")
def ctx(reference) -> RuleContext:
    return RuleContext(as_of=PERIOD.as_of, start=date(2026, 9, 1), passing_scores=reference.passing_scores)


def write_csv(path: Path, rows: list[list], encoding: str = "utf-8", sep: str = ",") -> Path:
    """A real CSV file as a spreadsheet would save it."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=sep, lineterminator="\r\n").writerows(rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def write_xlsx(path: Path, rows: list[list]) -> Path:
    """A real workbook written with openpyxl (numbers, dates and title rows as given)."""
    from openpyxl import Workbook

    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory):
    """Small real PDFs standing for the regional, FES and MEK bulletins of 2026-W47."""
    from nashra.reference import REGION
    from tasks.bulletins.layout import html_to_pdf

    folder = tmp_path_factory.mktemp("bulletins")
    paths = {}
    for scope in (REGION, "FES", "MEK"):
        path = folder / f"bulletin_{scope}_{PERIOD}.pdf"
        path.write_bytes(html_to_pdf(f"<html><body><p>Bulletin {scope}</p></body></html>"))
        paths[scope] = path
    return paths


EXAM_HEADER = ["candidate_id", "candidate_name", "exam_code", "exam_date", "score", "passed", "voucher_code"]
LEDGER_HEADER = ["voucher_code", "allocated_on", "expires_on", "status", "consumed_on", "candidate_id"]


@pytest.fixture(scope="session")
def prefect_api():
    """One Prefect server for the whole session (issue 25): the flows run in this process and the
    commands started from it (PREFECT_API_URL in the environment) report to it. A test that needs
    a server of its own — one it kills, Prefect's temporary one — starts or unsets it itself."""
    from prefect.settings import PREFECT_API_URL
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=90):
        url = str(PREFECT_API_URL.value())
        with mock.patch.dict(os.environ, {"PREFECT_API_URL": url}):
            yield url


@pytest.fixture(autouse=True)
def _e2e_on_the_session_server(request):
    """Every e2e test runs with the session's Prefect server."""
    if request.node.get_closest_marker("e2e"):
        request.getfixturevalue("prefect_api")


# The longest test files, longest first: `make test` runs the files on two processes
# (`pytest -n 2 --dist loadfile`), each taking the next file when it is done, so that the two
# end together rather than one waiting on the work pool's tests at the end.
LONGEST_FIRST = (
    "national/test_work_pool.py",
    "cli/test_interrupt.py",
    "flows/test_flow_e2e.py",
    "cli/test_history_cli.py",
    "delivery/test_full_disk.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        path = item.path.as_posix()
        return next((n for n, name in enumerate(LONGEST_FIRST) if path.endswith(name)), len(LONGEST_FIRST))

    items.sort(key=rank)  # stable: the other files keep their order
