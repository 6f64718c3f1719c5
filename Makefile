# customer_segments: the two promised commands are `make build` and `make test`.
# Every target installs what it needs into .venv first, so a fresh clone needs only
# Python 3.11 and make.

SHELL := /bin/bash
.DEFAULT_GOAL := build

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.txt pyproject.toml | cksum | cut -d' ' -f1)

# dbt reads profiles.yml from here and profiles.yml places the DuckDB file here,
# whatever the current directory of the caller.
export DBT_PROJECT_DIR := $(CURDIR)
export DBT_PROFILES_DIR := $(CURDIR)
export DBT_SEND_ANONYMOUS_USAGE_STATS := false

DBT := $(BIN)/dbt

.PHONY: build test test-build install lint lint-incremental dbt-build pytest docs demo-data clean test-engines daily \
	dashboard browser

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	rm -f $(VENV)/.installed-*
	touch $@

install: $(STAMP)

## The production builds (build, daily) leave out unit tests and self-checks (tag self_check: tests
## on inline fixtures) - they test SQL, not data (dbt's guidance: unit tests run in development and
## CI, not in production builds): make test runs them. The benchmark's builds leave out the same
## (PRODUCTION_EXCLUDES in python/customer_segments/benchmark/run.py).
PRODUCTION_EXCLUDES := --exclude-resource-type unit_test --exclude tag:self_check

## AND_PUBLISH: make build and make daily run their dbt build through it (python/customer_segments/
## publish.py): under a build lock (a second build stops with one line naming the first) and, when
## dbt succeeds, it publishes the marts to the read-only customer_segments_marts.duckdb (env
## CUSTOMER_SEGMENTS_MARTS_DUCKDB) that BI reads, so readers never block a build. A failed build
## publishes nothing.
AND_PUBLISH := $(BIN)/python -m customer_segments publish --after

## build: set up the environment and build every model and seed on the demo data, with its data
## tests; then publish the marts
build: $(STAMP)
	$(AND_PUBLISH) $(DBT) build $(PRODUCTION_EXCLUDES)

## daily: the scheduled job after new raw rows land - incremental build; data tests of the
## fact-sized models on the newest day of loads. The benchmark's daily run uses the same arguments
## (DAILY_ARGS and DAILY_VARS in python/customer_segments/benchmark/run.py). Then publish the marts.
daily: $(STAMP)
	$(AND_PUBLISH) $(DBT) build $(PRODUCTION_EXCLUDES) --vars '{data_test_recent_days: 1}'

## test: everything that guards the project (lint, dbt build with all tests - unit tests and
## self-checks included -, lint of the incremental branches, pytest). test-build builds the demo
## into a fresh database of its own, TEST_BUILD (not the one make build leaves, so a test run does
## not depend on what was built before) and lints the incremental SQL against it, side by side with
## lint (each keeps about one core busy; output shown per step as it ends); pytest's demo fixture
## then reuses that build (env CUSTOMER_SEGMENTS_DEMO_BUILD) instead of building the demo again.
TEST_BUILD := $(CURDIR)/target/make-test
test: $(STAMP) browser
	rm -rf "$(TEST_BUILD)" && mkdir -p "$(TEST_BUILD)"
	$(MAKE) --no-print-directory -j2 --output-sync=recurse lint test-build
	CUSTOMER_SEGMENTS_DEMO_BUILD="$(TEST_BUILD)" $(MAKE) --no-print-directory pytest

test-build: export CUSTOMER_SEGMENTS_DUCKDB := $(TEST_BUILD)/customer_segments.duckdb
test-build: $(STAMP)
	DBT_TARGET_PATH="$(TEST_BUILD)/target" $(MAKE) --no-print-directory dbt-build
	DBT_TARGET_PATH="$(TEST_BUILD)/lint-target" $(MAKE) --no-print-directory lint-incremental

## lint: against an empty database, as on a fresh clone: models that read a seed while they
## render (customer_tags_wide) must lint the same whatever this checkout has built.
lint: $(STAMP)
	tmp="$$(mktemp -d)" && CUSTOMER_SEGMENTS_DUCKDB="$$tmp/lint.duckdb" DBT_TARGET_PATH="$$tmp/target" \
		$(BIN)/sqlfluff lint models macros tests analyses; rc=$$?; rm -rf "$$tmp"; exit $$rc

dbt-build: $(STAMP)
	$(DBT) build --fail-fast

## lint-incremental: lint the incremental models once their tables exist. sqlfluff's dbt templater
## renders is_incremental() true only then, so `lint` on a clean clone checks their full-build SQL
## and this their incremental SQL (DECISIONLOG: "Lint the incremental SQL as well").
lint-incremental: $(STAMP)
	paths="$$($(DBT) ls --resource-type model -s config.materialized:incremental --output path --quiet)" \
		&& test -n "$$paths" && $(BIN)/sqlfluff lint $$paths

## pytest: the Python tests, in PYTEST_WORKERS processes (pytest-xdist; each shared dbt build is
## built once, in the worker that runs its tests: python/tests/conftest.py). 0: one process.
PYTEST_WORKERS ?= 2
pytest: $(STAMP)
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS)

## dashboard: serve the Streamlit dashboard (docs/dashboard.md) on 127.0.0.1:DASHBOARD_PORT over the
## published marts, headless and sending no usage statistics; publishes first when the published
## file is missing (make build first when there is no build either)
DASHBOARD_PORT ?= 8501
dashboard: $(STAMP)
	$(BIN)/python -m customer_segments dashboard --prepare || { rc=$$?; test $$rc -eq 3 && $(MAKE) --no-print-directory build || exit $$rc; }
	$(BIN)/python -m customer_segments dashboard --port $(DASHBOARD_PORT)

## browser: Debian's Chromium (and a font with Chinese glyphs) for the dashboard's browser test
## (python/tests/test_dashboard.py drives it with Playwright; Playwright's own browser download
## needs the internet); installed with apt-get when missing
BROWSER_PACKAGES := chromium fonts-wqy-zenhei
browser:
	@dpkg -s $(BROWSER_PACKAGES) >/dev/null 2>&1 || { apt-get update -qq \
		&& DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(BROWSER_PACKAGES) >/dev/null; }

docs: $(STAMP)
	$(DBT) docs generate

## demo-data: regenerate the committed demo seeds (deterministic: same bytes every time)
demo-data: $(STAMP)
	$(BIN)/python -m customer_segments generate --customers 2000 --format csv \
		--file-prefix raw_ --out seeds/raw

clean:
	rm -rf target dbt_packages logs customer_segments.duckdb* customer_segments_marts.duckdb

## bench: benchmark the full and daily dbt build against the raw-scan lower bound and a pandas
## peer at each of BENCH_SCALES customers, then the history-length row: the full build and daily
## run at 100 k customers with 2 and then 4 years of raw history (BENCH_HISTORY=0 skips it;
## BENCH_SCALES= measures that row alone). bench/README.md; raw data is cached in bench/cache,
## results land in bench/results
BENCH_SCALES ?= 10000 100000 1000000
BENCH_SEED ?= 42
BENCH_HISTORY ?= 1
.PHONY: bench
bench: $(STAMP)
	$(BIN)/python -m customer_segments bench --customers $(BENCH_SCALES) --seed $(BENCH_SEED) \
		$(if $(filter 1,$(BENCH_HISTORY)),,--no-history) --out bench/results --cache bench/cache --no-progress

## diff: the segment diff of a pull request (docs/segment-diff.md): build BASE and the working
## tree on the demo data (RAW_PATH: that folder's files) and write report.md, report.json and
## charts to target/segment_diff; a build of BASE for the same raw data and vars is reused
BASE ?= $(shell git rev-parse --verify --quiet origin/main >/dev/null && echo origin/main || echo main)
RAW_PATH ?=
.PHONY: diff
diff: $(STAMP)
	$(BIN)/python -m customer_segments diff --base "$(BASE)" $(if $(RAW_PATH),--raw-path "$(RAW_PATH)") \
		--out target/segment_diff

## test-engines: build and test the demo on PostgreSQL and local Spark too and prove every mart
## equals DuckDB's (ENGINES="spark" runs only some)
ENGINES ?= postgres spark
test-engines: $(STAMP)
	$(BIN)/python -m pip install --quiet -r requirements-engines.txt
	command -v initdb >/dev/null || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 \
		|| (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null)
	@command -v java >/dev/null || { echo "make test-engines: Spark needs Java 17 and \`java\` is not on PATH \
		(Debian: apt-get install openjdk-17-jre-headless)" >&2; exit 1; }
	$(BIN)/python -m customer_segments.engines --engines $(ENGINES)
