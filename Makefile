# GoLive: build, test and run. Needs only python3 (3.11+) and GNU make.
#
#   make run             create .venv, migrate, load the demo data, serve on http://127.0.0.1:8000
#   make test            the whole suite (browser tests excepted) on the embedded SQLite database
#   make help            every target

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.golive-installed
GOLIVE := $(BIN)/golive
PYTEST := $(BIN)/pytest
RUFF := $(BIN)/ruff

HOST ?= 127.0.0.1
PORT ?= 8000
# Extra arguments for pytest, e.g. `make test PYTEST_ARGS="-k advance -x"`.
PYTEST_ARGS ?=
# `make test` and `make test-postgres` run on this many pytest-xdist workers: `auto` (one per CPU), a number, or 0
# for a single process (e.g. `make test PYTEST_WORKERS=0 PYTEST_ARGS="--pdb -k advance"`). The other suites
# (browser, Celery, poppler, reliability) start servers, workers and browsers of their own: one process each.
PYTEST_WORKERS ?= auto
XDIST = -n $(PYTEST_WORKERS)
REDIS_URL ?= redis://127.0.0.1:6379/15
# The reliability suite's Celery workers share this Redis database (flushed before use).
RELIABILITY_REDIS_URL ?= redis://127.0.0.1:6379/14
POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/golive
# The desk benchmark creates and drops this database (its name must contain "bench").
BENCH_POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/golive_bench
# The production-profile benchmarks send background work to this Redis database (flushed by no one: tasks only).
BENCH_REDIS_URL ?= redis://127.0.0.1:6379/13
LINT_PATHS := src tests bench

# Tests never touch the user's data directory: each suite gets a throwaway one, and neither a
# DATABASE_URL nor a broker from the caller's environment leaks into the embedded-mode suites.
VAR := $(CURDIR)/var
TEST_ENV = GOLIVE_DATA_DIR=$(VAR)/$(1) DATABASE_URL= GOLIVE_BROKER_URL= GOLIVE_BENCH_VIEWS= GOLIVE_DEBUG=0
# Commands that only inspect the code (schema, migrations, messages) also run against a scratch data dir.
TOOL_ENV = GOLIVE_DATA_DIR=$(VAR)/tools DATABASE_URL= GOLIVE_BROKER_URL= GOLIVE_BENCH_VIEWS= GOLIVE_DEBUG=0

.PHONY: help venv .venv run run-stack test test-postgres test-browser test-poppler test-reliability lint format schema schema-check messages-check \
	migrations-check messages bench clean distclean

help: ## list the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_. -]+:.*## / {printf "  %-18s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

# The virtualenv is (re)installed when pyproject.toml changes; the stamp file records the last install.
$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[dev,production,s3]"
	@touch $@

venv .venv: $(STAMP) ## create .venv and install GoLive with the dev, production and s3 extras

run: $(STAMP) ## migrate, load the demo data and serve on http://127.0.0.1:8000 (HOST=, PORT= to change)
	$(GOLIVE) serve --host $(HOST) --port $(PORT)

STACK_POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/golive_stack
STACK_REDIS_URL ?= redis://127.0.0.1:6379/1

run-stack: $(STAMP) ## the production profile on this machine: gunicorn + Celery worker/beat on PostgreSQL and Redis (docs/deploy.md)
	GOLIVE_DATA_DIR=$${GOLIVE_DATA_DIR:-$(VAR)/stack} DATABASE_URL=$(STACK_POSTGRES_URL) GOLIVE_BROKER_URL=$(STACK_REDIS_URL) \
	  GOLIVE_BIND=$(HOST):$(PORT) GOLIVE_LOG_FORMAT=$${GOLIVE_LOG_FORMAT:-json} $(BIN)/python -m golive.stack $(STACK_ARGS)

test: $(STAMP) ## run the test suite on the embedded SQLite database on PYTEST_WORKERS= xdist workers (default auto; no other service needed)
	rm -rf $(VAR)/test && mkdir -p $(VAR)/test
	$(call TEST_ENV,test) $(PYTEST) $(XDIST) -m "not browser and not celery and not poppler and not reliability" $(PYTEST_ARGS)

test-postgres: $(STAMP) ## run the test suite on PostgreSQL on PYTEST_WORKERS= xdist workers (POSTGRES_URL=, default postgres://postgres@127.0.0.1:5432/golive)
	rm -rf $(VAR)/test-postgres && mkdir -p $(VAR)/test-postgres
	$(call TEST_ENV,test-postgres) DATABASE_URL=$(POSTGRES_URL) $(PYTEST) $(XDIST) -m "not browser and not celery and not poppler and not reliability" $(PYTEST_ARGS)

test-poppler: $(STAMP) ## run the tests that read PDFs with poppler's pdftotext (needs poppler-utils)
	rm -rf $(VAR)/test-poppler && mkdir -p $(VAR)/test-poppler
	$(call TEST_ENV,test-poppler) $(PYTEST) -m poppler $(PYTEST_ARGS)

test-celery: $(STAMP) ## run the background-work tests on a real Celery worker and Redis (REDIS_URL=)
	rm -rf $(VAR)/test-celery && mkdir -p $(VAR)/test-celery
	$(call TEST_ENV,test-celery) GOLIVE_TEST_BROKER_URL=$(REDIS_URL) $(PYTEST) -m celery $(PYTEST_ARGS)

test-reliability: $(STAMP) ## run the reliability suite: real servers under load and kill -9 (needs POSTGRES_URL= and RELIABILITY_REDIS_URL=)
	rm -rf $(VAR)/test-reliability && mkdir -p $(VAR)/test-reliability
	$(call TEST_ENV,test-reliability) GOLIVE_RELIABILITY_REQUIRE=1 GOLIVE_RELIABILITY_POSTGRES_URL=$(POSTGRES_URL) \
		GOLIVE_RELIABILITY_REDIS_URL=$(RELIABILITY_REDIS_URL) $(PYTEST) -m reliability tests/reliability $(PYTEST_ARGS)

test-browser: $(STAMP) ## run the end-to-end tests in headless Chromium (/usr/bin/chromium)
	rm -rf $(VAR)/test-browser && mkdir -p $(VAR)/test-browser
	$(call TEST_ENV,test-browser) $(PYTEST) -m browser tests/browser $(PYTEST_ARGS)

lint: $(STAMP) ## ruff check and ruff format --check
	$(RUFF) check $(LINT_PATHS)
	$(RUFF) format --check $(LINT_PATHS)

format: $(STAMP) ## fix what ruff can fix and format the code
	$(RUFF) check --fix $(LINT_PATHS)
	$(RUFF) format $(LINT_PATHS)

schema: $(STAMP) ## regenerate docs/openapi.yaml
	mkdir -p docs
	$(TOOL_ENV) $(GOLIVE) manage spectacular --file docs/openapi.yaml --validate --fail-on-warn

schema-check: $(STAMP) ## fail when docs/openapi.yaml differs from the generated schema
	@tmp=$$(mktemp -d) && \
	  $(TOOL_ENV) $(GOLIVE) manage spectacular --file $$tmp/openapi.yaml --validate --fail-on-warn && \
	  diff -u docs/openapi.yaml $$tmp/openapi.yaml; \
	  rc=$$?; rm -rf $$tmp; \
	  if [ $$rc -ne 0 ]; then echo "docs/openapi.yaml is out of date: run 'make schema' and commit it" >&2; fi; \
	  exit $$rc

migrations-check: $(STAMP) ## fail when a model change has no migration
	$(TOOL_ENV) $(GOLIVE) manage makemigrations --check --dry-run

messages: $(STAMP) ## update the Korean message catalogue and compile it
	mkdir -p src/golive/locale
	cd src/golive && $(TOOL_ENV) $(CURDIR)/$(GOLIVE) manage makemessages -l ko --no-obsolete
	cd src/golive && $(TOOL_ENV) $(CURDIR)/$(GOLIVE) manage compilemessages -l ko

messages-check: $(STAMP) ## fail when a translatable string is missing from the Korean catalogue
	$(BIN)/python .ci/check_messages.py

bench: $(STAMP) ## run the benchmarks and write docs/performance.md (the desk and UAT parts need PostgreSQL at BENCH_POSTGRES_URL)
	$(BIN)/python bench/bench_foundation.py --output docs/performance.md
	$(BIN)/python bench/bench_desk.py --database-url $(BENCH_POSTGRES_URL) --broker-url $(BENCH_REDIS_URL) --output docs/performance.md
	$(BIN)/python bench/bench_junit.py --output docs/performance.md
	$(BIN)/python bench/bench_uat.py --database-url $(BENCH_POSTGRES_URL) --output docs/performance.md
	$(BIN)/python bench/bench_portfolio.py --output docs/performance.md
	$(BIN)/python bench/bench_report.py --output docs/performance.md
	$(BIN)/python bench/bench_webhooks.py --output docs/performance.md
	$(BIN)/python bench/bench_production.py --database-url $(BENCH_POSTGRES_URL) --broker-url $(BENCH_REDIS_URL) --output docs/performance.md

clean: ## remove test data, caches and build output (keeps .venv and your data in var/)
	rm -rf $(VAR)/test $(VAR)/test-postgres $(VAR)/test-browser $(VAR)/test-poppler $(VAR)/test-reliability $(VAR)/tools $(VAR)/ci bench/results
	rm -rf build dist .pytest_cache .ruff_cache .hypothesis src/*.egg-info
	find src tests bench -name __pycache__ -type d -prune -exec rm -rf {} +

distclean: clean ## also remove .venv
	rm -rf $(VENV)
