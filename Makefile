# The two commands of the README: `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
export PREFECT_SERVER_ANALYTICS_ENABLED ?= false
export DO_NOT_TRACK ?= 1
export PREFECT_HOME ?= $(CURDIR)/.prefect
export NASHRA_TEST_POSTGRES ?= postgresql://nashra:nashra@127.0.0.1:5432/postgres

.PHONY: install system-packages postgresql demo national-demo test lint sample-data previews clean

# Pango, HarfBuzz's subsetter and poppler: installed as root, else the apt-get line is printed.
system-packages:
	@bash .ci/system-packages

$(BIN)/nashra: pyproject.toml | system-packages
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@

install: system-packages $(BIN)/nashra

# The national tests' Prefect server runs on a real PostgreSQL: installed and started as root.
postgresql:
	@bash .ci/postgresql

demo: install
	$(BIN)/nashra run --period 2026-W47 --deliver outbox

# Twelve academies on a Prefect server and two workers on loopback (SQLite), stopped at the end.
national-demo: install
	$(BIN)/python -m devtools.national_demo

# The suite on two processes, a file to each in turn, the longest files first (tests/conftest.py);
# one Prefect server per process (docs/decisions.md, "Tests in minutes").
test: install lint postgresql
	$(BIN)/python -m pytest -n 2 --dist loadfile --no-loadscope-reorder --durations=15

# The guards of the layout: ruff (lint and format), the import contracts of pyproject.toml
# (cli -> flows -> the stages in order -> schemas and the core), mypy (check_untyped_defs) on nashra/, schemas/, tasks/ and flows/; devtools imported by none of them.
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy

# Refresh docs/img (the pictures of docs/bulletins.md and the visual test's references) on purpose.
previews: demo
	$(BIN)/python -m devtools previews --period 2026-W47

sample-data: install
	$(BIN)/python -m devtools sample-data --out data/raw

clean:
	rm -rf data/reports data/state .prefect .pytest_cache
