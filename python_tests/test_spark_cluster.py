"""Spark as a newcomer and a cluster run it: the Spark commands of docs/engines.md,
typed as written, in a fresh copy of the project (its tracked files only, the
demo data in data/demo, relative default paths, spark-warehouse/ and
spark-metastore/ in the copy).

- `make run TARGET=spark` against a real standalone cluster: a master and two
  workers of one core each started with pyspark's `spark-class` on
  127.0.0.1 (segwh.spark_cluster), the `spark` target pointed at it with
  SPARK_MASTER. It builds seeds, models, data and unit tests, skips
  publishing with a message and prints the report. Spark's event log shows
  the tasks ran on the two workers' executors, none on the driver; every
  mart equals a DuckDB build of the same files. The processes are stopped.

Local mode (the default in docs/engines.md) resolves relative paths with the same
driver-side listing; test_spark.py builds in local mode (absolute paths), so
a second local build of the copy is left out to keep `make test` short.

Skipped without Java."""

from __future__ import annotations

import collections
import json
import os
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from compare import assert_same_table
from conftest import PROJECT_DIR, duck_warehouse

pytestmark = [
    pytest.mark.skipif(shutil.which("java") is None, reason="Spark needs Java (java not on PATH)"),
]
pytest.importorskip("pyspark", reason="pyspark is not installed (make venv)")

from test_spark import LOOSE_TOLERANCE, MARTS, aligned, naive_utc, without_noise  # noqa: E402  (after the skips)

CUSTOMERS = 200
# What the environment of a user's shell would not hold: the tests' own Spark
# and DuckDB locations are dropped, so the copy uses the profiles' defaults.
DROPPED_ENV = ("SPARK_WAREHOUSE_DIR", "SPARK_METASTORE_DIR", "DBT_DUCKDB_PATH", "SPARK_MASTER",
               "SPARK_EVENT_LOG_DIR", "DBT_SPARK_SCHEMA")


def fresh_copy(destination: Path) -> Path:
    """The project's files as a clone holds them (tracked and new, not
    ignored), the shared virtualenv linked in and left as installed."""
    listed = subprocess.run(["git", "ls-files", "-z", "-co", "--exclude-standard"], cwd=PROJECT_DIR,
                            capture_output=True, check=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = PROJECT_DIR / name
        if name == ".venv" or not source.is_file():
            continue
        target = destination / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
    (destination / ".venv").symlink_to(PROJECT_DIR / ".venv")
    installed = (PROJECT_DIR / ".venv" / ".installed").stat().st_mtime
    for name in ("requirements.lock", "pyproject.toml"):  # make must not reinstall the shared venv
        os.utime(destination / name, (installed - 1, installed - 1))
    return destination


def make(project: Path, args: list[str], env: dict | None = None) -> str:
    clean = {k: v for k, v in os.environ.items() if k not in DROPPED_ENV}
    proc = subprocess.run(["make", "--no-print-directory", *args], cwd=project, env={**clean, **(env or {})},
                          capture_output=True, text=True)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, f"make {' '.join(args)} failed:\n" + "\n".join(
        line for line in output.splitlines() if " WARN " not in line)[-4000:]
    return output


def tasks_per_executor(event_log: Path) -> tuple[dict, collections.Counter]:
    """From Spark's event log: executor id -> its log URL (the worker's), and
    finished tasks per executor id."""
    executors, tasks = {}, collections.Counter()
    with event_log.open() as lines:
        for line in lines:
            if '"SparkListenerExecutorAdded"' in line:
                event = json.loads(line)
                executors[event["Executor ID"]] = json.dumps(event["Executor Info"].get("Log Urls", {}))
            elif '"SparkListenerTaskEnd"' in line:
                tasks[json.loads(line)["Task Info"]["Executor ID"]] += 1
    return executors, tasks


def assert_marts_equal_duckdb(warehouse: Path, duck, label: str) -> None:
    from segwh.spark_files import parquet_catalog

    con = parquet_catalog(warehouse)
    for mart, keys in MARTS.items():
        expected = duck.query(f"select * from marts.{mart}")
        got = aligned(naive_utc(con.execute(f"select * from marts.{mart}").df()), expected, mart)
        assert len(expected) > 0, mart
        loose = f"marts.{mart}" in LOOSE_TOLERANCE
        if loose:
            got, expected = without_noise(got), without_noise(expected)
        assert_same_table(got, expected, keys or list(expected.columns), f"{mart} ({label} vs duckdb)",
                          rtol=1e-6 if loose else 1e-12, atol=1e-9)


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    from segwh.generate import generate

    copy = fresh_copy(tmp_path_factory.mktemp("fresh_clone") / "project")
    generate(customers=CUSTOMERS, seed=11, out=copy / "data" / "demo", quiet=True)
    return copy


@pytest.fixture(scope="module")
def duck(project, tmp_path_factory):
    demo = project / "data" / "demo"
    wh = duck_warehouse(tmp_path_factory.mktemp("duck_cluster"), demo / "events.parquet", demo / "customers.parquet",
                        demo / "consents.parquet")
    wh.run()
    return wh


def test_make_run_on_a_standalone_cluster_runs_on_its_workers(project, duck, tmp_path):
    from segwh.spark_cluster import standalone_cluster

    events = tmp_path / "spark-events"
    events.mkdir()
    with standalone_cluster(tmp_path / "cluster", workers=2, cores=1, memory="1536m") as cluster:
        output = make(project, ["run", "TARGET=spark"],
                      env={"SPARK_MASTER": cluster.master_url, "SPARK_EVENT_LOG_DIR": f"file:{events}"})
        applications = cluster.state()["completedapps"]
    assert "Completed successfully" in output and " ERROR=0 " in output and " SKIP=0 " in output
    assert "publish: skipped on TARGET=spark" in output
    assert "RFM segments as of" in output and "Champions" in output  # the report
    assert [app["name"] for app in applications] == ["segwh"]

    logs = sorted(events.iterdir())
    assert len(logs) == 1, logs
    executors, tasks = tasks_per_executor(logs[0])
    assert len(executors) == 2 and len(set(executors.values())) == 2, executors  # one per worker
    assert "driver" not in tasks and set(tasks) == set(executors), tasks
    assert min(tasks.values()) > 50, tasks  # both workers did real work
    print(f"\nstandalone cluster: tasks per executor {dict(tasks)}")

    assert_marts_equal_duckdb(project / "spark-warehouse", duck, "spark standalone")
