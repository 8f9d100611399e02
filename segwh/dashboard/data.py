"""Where the dashboard reads the marts: the published DuckDB file (read-only) or,
on TARGET=postgres, the schema `marts` of the PostgreSQL warehouse.

Every number the dashboard shows comes from a query on a mart; this module only
connects and runs them. Queries name tables `marts.<table>` and write parameters
as `?` (translated to psycopg2's `%s` on PostgreSQL).

DuckDB: `segwh.publish` replaces the published file by an atomic rename. In one
process DuckDB shares one database instance between every connection to a path,
and that instance keeps reading the file it opened (the old publication) until
the last connection to it closes. So `PublishedFile` checks the file's identity
(device, inode, size, mtime) before each query and, when a new publication has
replaced it, closes its connection before it connects again.
"""

from __future__ import annotations

import os
import threading
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pandas as pd

# The published file as segwh.publish writes it; the PostgreSQL connection of
# profiles.yml's `postgres` output (the PG* variables and their defaults).
from segwh.generate import dsn_from_env as postgres_settings
from segwh.publish import default_published_path as published_path

MARTS = "marts"


def dashboard_target() -> str:
    """The dbt target the dashboard reads: SEGWH_TARGET (make passes TARGET), default dev."""
    return os.environ.get("SEGWH_TARGET", "dev")


class NotPublished(RuntimeError):
    """The published file does not exist (no `make run` / `make publish` yet)."""


def _like_duckdb(df: pd.DataFrame) -> pd.DataFrame:
    """psycopg2 gives Decimal, date and datetime objects where DuckDB's .df() gives float64 and
    datetime64 columns: convert them, so every page sees the same types on both engines."""
    for column in df.columns:
        values = df[column].dropna()
        if df[column].dtype != object or values.empty:
            continue
        if values.map(lambda v: isinstance(v, Decimal)).all():
            df[column] = df[column].map(lambda v: None if v is None else float(v)).astype("float64")
        elif values.map(lambda v: isinstance(v, (date, datetime))).all():
            df[column] = pd.to_datetime(df[column])
    return df


class PublishedFile:
    """Read-only queries on a published DuckDB file, reopened when a new publication replaces it."""

    def __init__(self, path: str | os.PathLike, shown: str | None = None):
        self.path = Path(path)
        self.shown_path = shown or str(path)
        self._con = None
        self._identity: tuple | None = None
        self._lock = threading.Lock()
        self.opened = 0          # how many times the file was (re)opened; tests read it

    def _file_identity(self) -> tuple:
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            raise NotPublished(
                f"{self.path} does not exist: run `make run` (or `make publish` after a build) first.") from None
        return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)

    def _connection(self):
        import duckdb

        identity = self._file_identity()
        if self._con is not None and identity != self._identity:
            # A new publication: close first, or DuckDB hands back the old instance.
            self._con.close()
            self._con = None
        if self._con is None:
            self._con = duckdb.connect(str(self.path), read_only=True)
            self._identity = identity
            self.opened += 1
        return self._con

    def query(self, sql: str, params: list | None = None) -> pd.DataFrame:
        with self._lock:
            cursor = self._connection().cursor()
            try:
                return cursor.execute(sql, params or []).df()
            finally:
                cursor.close()

    def publication(self) -> dict | None:
        """When and from which build the file was published (table main.publication)."""
        with self._lock:
            cursor = self._connection().cursor()
            try:
                row = cursor.execute("select published_at, build_file from main.publication").fetchone()
            except Exception:
                return None
            finally:
                cursor.close()
        return {"published_at": row[0], "build_file": row[1]} if row else None

    def close(self) -> None:
        with self._lock:
            if self._con is not None:
                self._con.close()
                self._con = None

    def describe(self) -> str:
        return f"DuckDB file {self.shown_path} (read-only)"


class PostgresMarts:
    """Queries on the schema marts of the PostgreSQL warehouse, one short connection per query."""

    def __init__(self, settings: dict | None = None):
        self.settings = settings or postgres_settings()

    def query(self, sql: str, params: list | None = None) -> pd.DataFrame:
        import psycopg2

        conn = psycopg2.connect(**self.settings)
        try:
            conn.set_session(readonly=True)
            with conn.cursor() as cur:
                cur.execute(sql.replace("?", "%s"), params or None)
                columns = [d[0] for d in cur.description]
                return _like_duckdb(pd.DataFrame(cur.fetchall(), columns=columns))
        finally:
            conn.close()

    def publication(self) -> dict | None:
        return None

    def close(self) -> None:
        pass

    def describe(self) -> str:
        s = self.settings
        return f"PostgreSQL {s['user']}@{s['host']}:{s['port']}/{s['dbname']}, schema {MARTS}"


_sources: dict[tuple, object] = {}
_sources_lock = threading.Lock()


def source():
    """The warehouse this process reads, one per target and path (shared by every session)."""
    target = dashboard_target()
    if target == "spark":
        raise RuntimeError("The dashboard reads DuckDB (published file) or PostgreSQL; not TARGET=spark.")
    key = ("postgres", tuple(sorted(postgres_settings().items()))) if target == "postgres" \
        else ("duckdb", os.path.abspath(published_path()), published_path())
    with _sources_lock:
        if key not in _sources:
            _sources[key] = PostgresMarts() if key[0] == "postgres" else PublishedFile(key[1], shown=key[2])
        return _sources[key]


def query(sql: str, params: list | None = None) -> pd.DataFrame:
    return source().query(sql, params)


def has_table(table: str) -> bool:
    """Whether the schema marts holds this table (the activation marts need a salt)."""
    found = query("select count(*) as n from information_schema.tables "
                  "where table_schema = ? and table_name = ?", [MARTS, table])
    return int(found["n"].iloc[0]) > 0
