"""Read a local Spark warehouse without Spark.

The `spark` target writes every table as Parquet files under
SPARK_WAREHOUSE_DIR, one folder per schema (`marts.db/customer_facts/`).
``parquet_catalog`` opens them with DuckDB, schema by schema, as views of the
same names, so the report, the tests and any script can query
`marts.customer_facts` after dbt (and its Spark session) has exited. Spark
views have no files of their own and do not appear; partition folders
(`period_end=2026-01-31`) become columns again.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb


def default_warehouse() -> Path:
    """The folder profiles.yml gives Spark: SPARK_WAREHOUSE_DIR, else spark-warehouse/."""
    return Path(os.environ.get("SPARK_WAREHOUSE_DIR", "spark-warehouse"))


def table_reader(folder: Path | str) -> str | None:
    """`read_parquet(...)` over the files of one Spark table folder
    (`<warehouse>/<schema>.db/<table>`), partition folders as columns; None
    when the folder holds no Parquet file (a view, or nothing built)."""
    # files only: a partition folder may end in .parquet too (base_raw__events
    # is partitioned by the path of each raw file); Spark's hidden files skipped
    files = sorted(str(f) for f in Path(folder).rglob("*.parquet")
                   if f.is_file() and not f.name.startswith((".", "_")))
    if not files:
        return None
    listed = ", ".join("'" + f.replace("'", "''") + "'" for f in files)
    return f"read_parquet([{listed}], hive_partitioning = true, union_by_name = true)"


def parquet_catalog(warehouse: Path | str | None = None) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection with one view per Spark table."""
    folder = Path(warehouse) if warehouse else default_warehouse()
    if not folder.is_dir():
        raise FileNotFoundError(f"no Spark warehouse at {folder} (set SPARK_WAREHOUSE_DIR or build first)")
    con = duckdb.connect()
    con.execute("set TimeZone = 'UTC'")
    for schema in sorted(folder.glob("*.db")):
        name = schema.name[:-3]
        con.execute(f'create schema if not exists "{name}"')
        for table in sorted(p for p in schema.iterdir() if p.is_dir()):
            reader = table_reader(table)
            if reader:
                con.execute(f'create view "{name}"."{table.name}" as select * from {reader}')
    return con
