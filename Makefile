# MPP Desk: the same commands locally and in CI.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-postgres test-under-load lint bench bench-load fuzz install messages clean

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/mppdesk run

test: $(STAMP)
	$(BIN)/python -m pytest -p xdist -n 2 $(PYTEST_ARGS)

# The suite 10 times in a shuffled order with 2 busy CPUs beside it (benchmarks/suite_under_load.py):
# finds tests that race the clock or depend on the order. JSON on stdout. About an hour.
test-under-load: $(STAMP)
	$(BIN)/python -m benchmarks.suite_under_load $(LOAD_TEST_ARGS)

# Schemathesis against the OpenAPI document (fuzz/test_api_fuzz.py): no 5xx, no response
# off its schema. Deterministic; MPPDESK_FUZZ_EXAMPLES sets the examples per operation.
fuzz: $(STAMP)
	$(BIN)/python -m pytest fuzz -p xdist -n 2 $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy mppdesk
	$(BIN)/lint-imports
	$(BIN)/python manage.py makemigrations --check --dry-run

bench: $(STAMP)
	$(BIN)/python -m benchmarks.run $(BENCH_ARGS)

# Load on PostgreSQL with 1,000,000 people (benchmarks/load_bench.py; needs BENCH_POSTGRES_URL's
# server, default postgres://postgres@127.0.0.1:5432/postgres). Takes 15-30 minutes.
bench-load: $(STAMP)
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[load]"
	$(BIN)/python -m benchmarks.load_bench $(LOAD_ARGS)

messages: $(STAMP)
	$(BIN)/python manage.py makemessages -l es -l en --ignore=.venv --ignore=var
	$(BIN)/python -m mppdesk.lib.compilemessages

clean:
	rm -rf $(VENV) var
