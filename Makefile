# Two commands for a fresh machine: `make demo` and `make test`. Both create .venv when missing.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
PG_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test

.PHONY: install demo test test-sqlite test-postgres lint bench

# The install compiles the matching hot path (setup.py), so it is redone when that code changes;
# until then the sources run (tanseeq.matching.compiled).
$(BIN)/tanseeq: pyproject.toml setup.py $(shell find src/tanseeq/matching -name '*.py')
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

# Each half spreads its tests over WORKERS pytest-xdist processes (`make test WORKERS=0` runs
# them in one); `make test` runs the two halves at once, each half's output printed whole when
# it ends, and fails when lint or either half fails.
WORKERS ?= 2
PYTEST := $(BIN)/pytest -n $(WORKERS) --dist worksteal

test-sqlite: install
	$(PYTEST)

test-postgres: install
	TANSEEQ_TEST_DATABASE_URL=$(PG_URL) $(PYTEST)

test: lint
	$(MAKE) --no-print-directory -j2 --output-sync=target test-sqlite test-postgres

bench: install
	$(BIN)/pip install --quiet -e '.[test,bench]'
	$(BIN)/python bench/accuracy.py
	$(BIN)/python bench/speed.py
