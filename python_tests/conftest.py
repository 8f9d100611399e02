"""Shared fixtures: run dbt as a user would (the project's own CLI, profiles and
Makefile flags), on generated data, on DuckDB and on a throwaway PostgreSQL."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pytest

PROJECT_DIR = Path(__file__).resolve().parents[1]
DBT = str(Path(sys.executable).parent / "dbt")
DEMO_CUSTOMERS = int(os.environ.get("TEST_DEMO_CUSTOMERS", "2000"))
# The salt of hashed identifiers (var activation_hash_salt) every dbt run here
# gets: the caller's SEGWH_ACTIVATION_SALT, else the public demo salt that the
# Makefile uses too. Reference checks hash with the same value.
DEMO_ACTIVATION_SALT = "segwh-demo-salt-not-for-production"
ACTIVATION_SALT = os.environ.get("SEGWH_ACTIVATION_SALT") or DEMO_ACTIVATION_SALT
# A build of every model, seed, snapshot and data test without the dbt unit
# tests: they mock their inputs, so they depend on neither the data nor the
# raw paths. duck_demo and pg_demo run them on each engine; other builds of
# the whole project pass this to save their half minute (more on PostgreSQL).
WITHOUT_UNIT_TESTS = ["--exclude-resource-type", "unit_test"]


@dataclass
class DbtResult:
    returncode: int
    output: str

    @property
    def ok(self) -> bool:
        return self.returncode == 0


def run_dbt(args: list[str], workdir: Path, env: dict | None = None, vars: dict | None = None,
            target: str = "ci", check: bool = True) -> DbtResult:
    """Run the dbt CLI on this project with its own profiles, isolated artifacts."""
    cmd = [DBT, *args, "--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROJECT_DIR),
           "--target", target, "--target-path", str(workdir / "target"), "--log-path", str(workdir / "logs")]
    if vars:
        cmd += ["--vars", json.dumps(vars)]
    full_env = {**os.environ, "SEGWH_ACTIVATION_SALT": ACTIVATION_SALT, **(env or {}),
                "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    proc = subprocess.run(cmd, cwd=PROJECT_DIR, env=full_env, capture_output=True, text=True)
    result = DbtResult(proc.returncode, proc.stdout + proc.stderr)
    if check and not result.ok:
        failing = [line for line in result.output.splitlines()
                   if any(k in line for k in ("ERROR", "FAIL", "Error", "error", "mismatch", "|"))]
        pytest.fail(f"dbt {' '.join(args)} failed:\n" + "\n".join(failing[-60:]))
    return result


@dataclass
class DuckWarehouse:
    path: Path
    workdir: Path
    vars: dict = field(default_factory=dict)

    def env(self) -> dict:
        return {"DBT_DUCKDB_PATH": str(self.path)}

    def query(self, sql: str):
        con = duckdb.connect(str(self.path), read_only=True)
        try:
            return con.execute(sql).df()
        finally:
            con.close()

    def build(self, args: list[str] | None = None, vars: dict | None = None, check: bool = True) -> DbtResult:
        return run_dbt(["build", *(args or [])], self.workdir, env=self.env(),
                       vars={**self.vars, **(vars or {})}, check=check)

    def run(self, args: list[str] | None = None, vars: dict | None = None, check: bool = True) -> DbtResult:
        """Build seeds and models only (no tests): `dbt build --resource-type seed model`."""
        return run_dbt(["build", "--resource-type", "seed", "--resource-type", "model", *(args or [])], self.workdir, env=self.env(),
                       vars={**self.vars, **(vars or {})}, check=check)


def duck_warehouse(workdir: Path, events: Path, customers: Path | str | None,
                   consents: Path | str | None = None, **vars) -> DuckWarehouse:
    """A DuckDB warehouse on these raw files. Without consents nobody is
    consenting, so the activation audiences are empty."""
    workdir.mkdir(parents=True, exist_ok=True)
    all_vars = {"raw_events_path": str(events), "raw_customers_path": str(customers or ""),
                "raw_consents_path": str(consents or ""), **vars}
    return DuckWarehouse(path=workdir / "warehouse.duckdb", workdir=workdir, vars=all_vars)


@pytest.fixture(scope="session")
def demo_data(tmp_path_factory) -> Path:
    """Demo data from the project's generator, smaller than `make run`'s."""
    from segwh.generate import generate

    out = tmp_path_factory.mktemp("demo")
    generate(customers=DEMO_CUSTOMERS, seed=7, out=out, quiet=True)
    return out


@pytest.fixture(scope="session")
def demo_clean(demo_data):
    """The demo's raw events cleaned by the reference, and the default as-of date."""
    import pandas as pd

    import reference as ref

    clean = ref.clean_events(pd.read_parquet(demo_data / "events.parquet"))
    return clean, clean["occurred_at"].max().normalize()


@pytest.fixture(scope="session")
def duck_demo(demo_data, tmp_path_factory) -> DuckWarehouse:
    """The whole project built and tested (data + unit tests) on DuckDB."""
    wh = duck_warehouse(tmp_path_factory.mktemp("duck_demo"), demo_data / "events.parquet",
                        demo_data / "customers.parquet", demo_data / "consents.parquet")
    wh.build()
    return wh


@pytest.fixture(scope="session")
def postgres_cluster():
    from segwh.pgcluster import throwaway_postgres

    with throwaway_postgres() as cluster:
        yield cluster


@dataclass
class PgWarehouse:
    cluster: object
    workdir: Path
    vars: dict = field(default_factory=dict)

    def env(self) -> dict:
        return self.cluster.env()

    def connect_kwargs(self) -> dict:
        return self.cluster.dsn()

    def query(self, sql: str):
        import pandas as pd
        import psycopg2

        conn = psycopg2.connect(**self.connect_kwargs())
        try:
            with conn.cursor() as cur:
                cur.execute(sql)
                cols = [d[0] for d in cur.description]
                return pd.DataFrame(cur.fetchall(), columns=cols)
        finally:
            conn.close()

    def build(self, args: list[str] | None = None, vars: dict | None = None, check: bool = True) -> DbtResult:
        return run_dbt(["build", *(args or [])], self.workdir, env=self.env(),
                       vars={**self.vars, **(vars or {})}, target="postgres", check=check)

    def run(self, args: list[str] | None = None, vars: dict | None = None, check: bool = True) -> DbtResult:
        """Build seeds and models only (no tests): `dbt build --resource-type seed model`."""
        return run_dbt(["build", "--resource-type", "seed", "--resource-type", "model", *(args or [])], self.workdir, env=self.env(),
                       vars={**self.vars, **(vars or {})}, target="postgres", check=check)


@pytest.fixture(scope="session")
def pg_demo(postgres_cluster, demo_data, tmp_path_factory) -> PgWarehouse:
    """The same demo data loaded into PostgreSQL and the whole project built and tested there."""
    from segwh.generate import load_postgres

    load_postgres(demo_data, postgres_cluster.dsn(), schema="raw")
    wh = PgWarehouse(postgres_cluster, tmp_path_factory.mktemp("pg_demo"))
    wh.build()
    return wh


@pytest.fixture(params=["duckdb", "postgres"])
def demo_warehouse(request):
    """The demo built and tested on DuckDB, then on PostgreSQL: a test taking
    it checks the same thing on both engines."""
    return request.getfixturevalue({"duckdb": "duck_demo", "postgres": "pg_demo"}[request.param])


def new_database(cluster, name: str) -> None:
    """(Re)create an empty database of the shared cluster."""
    import psycopg2

    conn = psycopg2.connect(**cluster.dsn())
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f"drop database if exists {name}")
        cur.execute(f"create database {name}")
    conn.close()


def pg_database_warehouse(cluster, name: str, workdir: Path, **vars) -> PgWarehouse:
    """A PgWarehouse in its own, new database of the shared cluster, so that its
    fixed schemas (staging, marts, ...) do not touch the demo warehouse's."""
    new_database(cluster, name)
    wh = PgWarehouse(cluster, workdir, vars=dict(vars))
    wh.env = lambda: {**cluster.env(), "PGDATABASE": name}
    wh.connect_kwargs = lambda: {**cluster.dsn(), "dbname": name}
    return wh
