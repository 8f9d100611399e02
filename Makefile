# Two commands for a newcomer:  make run   (demo on DuckDB)   make test   (everything)
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
DBT := $(BIN)/dbt
DBT_FLAGS := --project-dir . --profiles-dir .
DEMO_DIR := data/demo
DEMO_CUSTOMERS ?= 5000
SEED ?= 42
TARGET ?= dev
# The file BI tools open (read-only); dbt builds into warehouse.duckdb (DBT_DUCKDB_PATH).
PUBLISHED ?= published.duckdb
# Salt of the hashed emails in the activation marts (var activation_hash_salt).
# dbt alone skips the activation marts without one; make supplies this PUBLIC demo salt when
# the environment has none, so the demo works out of the box. On real data set
# your own secret: export SEGWH_ACTIVATION_SALT=$(openssl rand -hex 32)
export SEGWH_ACTIVATION_SALT ?= segwh-demo-salt-not-for-production
# TARGET=spark: Spark runs inside dbt (local mode) and must bind to loopback.
export SPARK_LOCAL_IP ?= 127.0.0.1

.PHONY: run test venv demo-data build publish report docs metrics lint pytest postgres-server lock clean bench

## run: install, generate demo data, build every model on TARGET (DuckDB by
## default), publish the BI tables to published.duckdb (DuckDB only), print segment sizes
run: venv demo-data
	$(DBT) build $(DBT_FLAGS) --target $(TARGET)
	$(MAKE) --no-print-directory publish
	$(BIN)/python -m segwh.report --target $(TARGET)

## publish: copy the BI-facing DuckDB tables to $(PUBLISHED) atomically (DuckDB targets only)
publish: venv
	@if [ "$(TARGET)" = postgres ] || [ "$(TARGET)" = spark ]; then echo "publish: skipped on TARGET=$(TARGET): BI tools read the marts schema of the warehouse itself (publishing copies DuckDB marts to $(PUBLISHED) only)"; \
	else $(BIN)/python -m segwh.publish --target $(TARGET) --to $(PUBLISHED); fi

## test: lint the SQL, then the pytest suite (dbt data + unit tests on DuckDB and
## PostgreSQL, independent reference checks, cross-engine equality)
test: venv postgres-server browser demo-data lint pytest

venv: $(VENV)/.installed

$(VENV)/.installed: requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

demo-data: venv $(DEMO_DIR)/consents.parquet

# The generator writes every file at once; consents.parquet is the newest of
# them, so a demo folder from an older generator is regenerated too (same seed:
# events and customers come out byte-identical).
$(DEMO_DIR)/consents.parquet:
	$(BIN)/python -m segwh.generate --customers $(DEMO_CUSTOMERS) --seed $(SEED) --out $(DEMO_DIR)

## build: dbt build on TARGET (dev, ci, postgres or spark) without regenerating data;
## DBT_ARGS adds dbt options, e.g. DBT_ARGS="--full-refresh"
build: venv
	$(DBT) build $(DBT_FLAGS) --target $(TARGET) $(DBT_ARGS)

report: venv
	$(BIN)/python -m segwh.report --target $(TARGET)

## docs: dbt's documentation site as one self-contained file, target/static_index.html
## (every model, column, test and the lineage; open it from disk). Anonymous usage
## statistics are off, so the page makes no outside request. Best after `make run`
## (the catalog then has every table's columns and row types).
docs: venv
	DBT_SEND_ANONYMOUS_USAGE_STATS=false $(DBT) docs generate --static $(DBT_FLAGS) --target $(TARGET) $(DBT_ARGS)
	@echo "docs: static_index.html written to the target path (target/ unless DBT_ARGS sets --target-path)"

## metrics: the semantic layer (MetricFlow, docs/semantic_layer.md) on the warehouse
## `make run` built: refresh target/semantic_manifest.json, check the semantic models
## and metrics against the warehouse, then run MF_QUERY, e.g.
## MF_QUERY="--metrics net_revenue,average_predicted_clv --group-by customer__value_tier"
MF_QUERY ?= --metrics customers,segment_share,net_revenue,average_order_value --group-by customer__lifecycle
metrics: venv
	$(DBT) parse $(DBT_FLAGS) --target $(TARGET) --quiet
	DBT_TARGET=$(TARGET) $(BIN)/mf validate-configs
	DBT_TARGET=$(TARGET) $(BIN)/mf query $(MF_QUERY)

## bench: the benchmark at SCALE raw events (1M, 10M, 100M, ...): full build,
## RFM core against a hand-written query, lifetimes, incremental +1%; data is
## generated once into data/bench/SCALE; BENCH_ARGS adds options, e.g.
## BENCH_ARGS="--memory-limit 8GB --steps full,incremental"; on Spark:
## BENCH_ARGS="--target spark" (local mode) or "--target spark --spark-master spark://127.0.0.1:7077"
SCALE ?= 1M
BENCH_ARGS ?=
bench: venv
	$(BIN)/python -m segwh.bench --events $(SCALE) $(BENCH_ARGS)

## lint: sqlfluff with the dbt templater (compiles against the ci target)
lint: venv demo-data
	DBT_DUCKDB_PATH=$${TMPDIR:-/tmp}/segwh-lint.duckdb $(BIN)/sqlfluff lint models tests/singular --processes 2

# The suite runs in PYTEST_WORKERS processes (pytest-xdist), one test file per
# worker at a time, so module fixtures are built once.
PYTEST_WORKERS ?= 2
pytest: venv postgres-server
	$(BIN)/pytest python_tests -n $(PYTEST_WORKERS) --dist loadfile

## postgres-server: make sure PostgreSQL server binaries exist (tests start their own cluster)
postgres-server:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null || \
	  (echo "Installing the PostgreSQL server (Debian package)..." && \
	   apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null)

## lock: re-resolve pyproject.toml into requirements.lock
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet -e '.[dev]'
	( echo "# Exact versions of every Python package the project and its tests use."; \
	  echo "# Regenerate after changing pyproject.toml: make lock"; \
	  .lock-venv/bin/pip freeze --exclude-editable | grep -v '^segwh' ) > requirements.lock
	rm -rf .lock-venv

clean:
	rm -rf target logs dbt_packages *.duckdb *.duckdb.wal spark-warehouse spark-metastore

## dashboard: the Streamlit dashboard on http://127.0.0.1:$(DASHBOARD_PORT) (after `make run`):
## overview, segments, RFM grid, migrations, cohorts, campaign lift, CLV, audience export.
## Reads $(PUBLISHED) read-only; TARGET=postgres reads the schema marts (PGHOST, PGPORT, ...)
DASHBOARD_PORT ?= 8501
.PHONY: dashboard browser
dashboard: venv
	SEGWH_TARGET=$(TARGET) SEGWH_PUBLISHED_PATH=$(PUBLISHED) $(BIN)/streamlit run segwh/dashboard/app.py \
	  --server.address 127.0.0.1 --server.port $(DASHBOARD_PORT) --server.headless true --client.toolbarMode viewer \
	  --browser.gatherUsageStats false

## browser: Debian's chromium for the dashboard's browser test (Playwright drives it
## through executable_path; Playwright's own browser download is not used)
browser:
	@test -x /usr/bin/chromium || \
	  (echo "Installing chromium (Debian package)..." && \
	   apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null)
