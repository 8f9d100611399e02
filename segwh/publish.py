"""Publish the BI-facing tables of a DuckDB build to their own file, atomically.

    python -m segwh.publish [--from warehouse.duckdb] [--to published.duckdb]

dbt builds into the build file (profiles.yml, DBT_DUCKDB_PATH). DuckDB lets one
process write a file and blocks writers while any other process has it open,
so BI tools must not open the build file. This copies the schemas BI reads
(marts, seeds, snapshots) into a new file next to the published one and
renames it over the published file in one atomic step (os.replace).

BI tools open the published file read-only. A reader never blocks a build
(it has a different file open), and never sees a half-built table: it sees
the whole previous publication or the whole new one. A connection keeps the
publication it opened (its file stays readable after the rename); reconnect
to see a newer one.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import duckdb

DEFAULT_SCHEMAS = ("marts", "seeds", "snapshots")


def default_build_path(target: str = "dev") -> str:
    """The file profiles.yml builds into for this DuckDB target."""
    return os.environ.get("DBT_DUCKDB_PATH", "ci.duckdb" if target == "ci" else "warehouse.duckdb")


def default_published_path() -> str:
    return os.environ.get("SEGWH_PUBLISHED_PATH", "published.duckdb")


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _remove(path: Path) -> None:
    for candidate in (path, Path(str(path) + ".wal")):
        candidate.unlink(missing_ok=True)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def publish(build_path: str | Path, published_path: str | Path,
            schemas: tuple[str, ...] = DEFAULT_SCHEMAS) -> dict[str, int]:
    """Copy every table of `schemas` from the build file into a fresh file and
    atomically put it in place of `published_path`. Returns {schema.table: rows}."""
    build = Path(build_path).resolve()
    published = Path(published_path).resolve()
    if not build.exists():
        raise SystemExit(f"publish: build file {build} does not exist; run `make build` (dbt build) first.")
    published.parent.mkdir(parents=True, exist_ok=True)
    staging = published.with_name(f".{published.name}.{os.getpid()}.publishing")
    _remove(staging)

    copied: dict[str, int] = {}
    con = duckdb.connect(str(staging))
    try:
        try:
            con.execute(f"attach '{build}' as build (read_only)")
        except duckdb.IOException as error:
            raise SystemExit(f"publish: cannot open build file {build} (is a dbt build still running?): {error}")
        wanted = ", ".join("'" + s.replace("'", "''") + "'" for s in schemas)
        tables = con.execute(f"""
            select schema_name, table_name from duckdb_tables()
            where database_name = 'build' and schema_name in ({wanted})
            order by schema_name, table_name""").fetchall()
        if not any(schema == "marts" for schema, _ in tables):
            raise SystemExit(f"publish: {build} has no marts tables; run `make build` (dbt build) first.")
        for schema in sorted({schema for schema, _ in tables}):
            con.execute(f"create schema {_quote(schema)}")
        for schema, table in tables:
            name = f"{_quote(schema)}.{_quote(table)}"
            con.execute(f"create table {name} as select * from build.{name}")
            copied[f"{schema}.{table}"] = con.execute(f"select count(*) from {name}").fetchone()[0]
        con.execute("detach build")
        con.execute("""
            create table main.publication as
            select cast(? as timestamp) as published_at, cast(? as varchar) as build_file,
                   cast(? as integer) as table_count""",
                    [datetime.now(timezone.utc).replace(tzinfo=None), str(build), len(tables)])
        con.execute("checkpoint")
    except BaseException:
        con.close()
        _remove(staging)
        raise
    con.close()

    _fsync(staging)
    os.replace(staging, published)           # atomic on POSIX: readers see old or new, never a mix
    _fsync(published.parent)
    return copied


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Publish the BI-facing DuckDB tables atomically.")
    parser.add_argument("--target", default="dev", choices=["dev", "ci"],
                        help="the DuckDB target of profiles.yml whose build file is published")
    parser.add_argument("--from", dest="build", default=None,
                        help="the DuckDB file dbt builds into (default: the target's, $DBT_DUCKDB_PATH "
                             "or warehouse.duckdb)")
    parser.add_argument("--to", dest="published", default=default_published_path(),
                        help="the file BI tools read (default: $SEGWH_PUBLISHED_PATH or published.duckdb)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    build = args.build or default_build_path(args.target)
    copied = publish(build, args.published)
    rows = sum(copied.values())
    print(f"published {len(copied)} tables ({rows:,} rows) from {build} to {args.published} "
          f"in {time.perf_counter() - started:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
