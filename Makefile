# Bookend: `make run` starts the whole system with demo data; `make test` runs the whole suite.
# Both create .venv and install everything first, so they work on a fresh clone.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test test-unit test-integration test-e2e lint bench contracts schema graphiql-assets clean

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11) and "Bookend needs Python 3.11")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/bookend run

test: test-unit test-integration test-e2e

test-unit: install
	$(BIN)/pytest -m unit

test-integration: install
	$(BIN)/pytest -m integration

test-e2e: install
	$(BIN)/pytest -m e2e

lint: install
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports

contracts: install
	$(BIN)/bookend contracts --out docs/contracts

# The GraphQL schema's SDL, checked in; refuses a change that breaks existing clients unless
# schema-breaking-allowed.txt lists it (ADR 0040).
schema: install
	$(BIN)/bookend schema --out schema.graphql --allowed schema-breaking-allowed.txt

# GraphiQL's files, committed under gateway/ide/assets so the development IDE works without
# internet access, fetched again from npm at the versions pinned in the script (ADR 0043).
graphiql-assets:
	gateway/ide/refresh.sh

# wrk generates the HTTP load (a Python generator would eat a core itself); installed with
# apt-get when missing and we are root, else the bench falls back to Python and says so.
bench: install
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
	  { apt-get install -y -qq wrk >/dev/null 2>&1 || \
	    { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq wrk >/dev/null 2>&1; }; }; } || \
	  echo "wrk is not installed (and could not be): the feed load falls back to Python"
	$(BIN)/python -m benchmarks $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .bookend .pytest_cache .mypy_cache .ruff_cache
