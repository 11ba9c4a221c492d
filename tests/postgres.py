"""A real PostgreSQL for the tests that need one (`make test` and .ci/run start it:
.ci/postgresql): a database of the test's own, created and dropped by it."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager

ADMIN = os.environ.get("NASHRA_TEST_POSTGRES", "postgresql://nashra:nashra@127.0.0.1:5432/postgres")


def sql(url: str, statement: str) -> str:
    """One statement through psql; its output, unaligned."""
    done = subprocess.run(["psql", url, "-qtAc", statement], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, (
        f"PostgreSQL ({url}): {done.stderr.strip()} (run `bash .ci/postgresql`; make test does)"
    )
    return done.stdout.strip()


@contextmanager
def postgres_database(prefix: str) -> Iterator[str]:
    """A new database named `<prefix>_<pid>`, dropped at the end; its URL."""
    name = f"{prefix}_{os.getpid()}"
    sql(ADMIN, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    sql(ADMIN, f"CREATE DATABASE {name}")
    try:
        yield ADMIN.rsplit("/", 1)[0] + f"/{name}"
    finally:
        sql(ADMIN, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
