# The two commands of the README: `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
export PREFECT_SERVER_ANALYTICS_ENABLED ?= false
export DO_NOT_TRACK ?= 1
export PREFECT_HOME ?= $(CURDIR)/.prefect

.PHONY: install system-packages demo test lint sample-data previews clean

# Pango, HarfBuzz's subsetter and poppler: installed as root, else the apt-get line is printed.
system-packages:
	@bash .ci/system-packages

$(BIN)/nashra: pyproject.toml | system-packages
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@

install: system-packages $(BIN)/nashra

demo: install
	$(BIN)/nashra run --period 2026-W47 --deliver outbox

test: install lint
	$(BIN)/python -m pytest

# The guards of the layout: ruff (lint and format), the import contracts of pyproject.toml
# (cli -> flows -> the stages in order -> schemas and the core), mypy on tasks/ and flows/.
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy

# Refresh docs/img (the pictures of docs/bulletins.md and the visual test's references) on purpose.
previews: demo
	$(BIN)/nashra previews --period 2026-W47

sample-data: install
	$(BIN)/nashra sample-data --out data/raw

clean:
	rm -rf data/reports data/state .prefect .pytest_cache
