# Two commands for a fresh machine: `make demo` and `make test`. Both create .venv when missing.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
PG_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test

.PHONY: install demo test test-sqlite test-postgres lint bench

$(BIN)/tanseeq: pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(BIN)/tanseeq

install: $(BIN)/tanseeq

demo: install
	$(BIN)/tanseeq demo

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy

test-sqlite: install
	$(BIN)/pytest

test-postgres: install
	TANSEEQ_TEST_DATABASE_URL=$(PG_URL) $(BIN)/pytest

test: lint test-sqlite test-postgres

bench: install
	$(BIN)/pip install --quiet -e '.[test,bench]'
	$(BIN)/python bench/accuracy.py
	$(BIN)/python bench/speed.py
