"""Time-zone-aware input is converted to UTC before anything is counted, on
DuckDB (CSV with mixed offsets, Parquet with UTC-adjusted timestamps) and on
PostgreSQL (timestamptz column read by a session in another time zone)."""

from __future__ import annotations

import pandas as pd
import pytest

from conftest import PgWarehouse, duck_warehouse

# UTC instants: c1 buys twice on 2024-02-29 (one written in +02:00 on March 1st),
# c2 buys on 2024-03-01 01:00 UTC (written as February 29th in -05:00), after the as-of date.
ROWS = [
    ("e1", "c1", "order_completed", "2024-03-01T01:30:00+02:00", "o1", 10.00),
    ("e2", "c1", "order_completed", "2024-02-29T00:15:00+00:00", "o2", 5.00),
    ("e3", "c2", "order_completed", "2024-02-29T20:00:00-05:00", "o3", 7.00),
    ("e4", "c1", "order_completed", "2024-02-10T23:30:00-01:00", "o4", 2.50),
]
AS_OF = "2024-02-29"


def check(facts: pd.DataFrame):
    facts = facts.set_index("customer_id")
    assert list(facts.index) == ["c1"], "c2's order is on March 1st in UTC, after the as-of date"
    c1 = facts.loc["c1"]
    assert c1.order_count == 3
    assert c1.distinct_purchase_days == 2, "2024-02-11 and 2024-02-29 in UTC"
    assert pd.Timestamp(c1.last_order_at) == pd.Timestamp("2024-02-29 23:30:00")
    assert pd.Timestamp(c1.first_order_at) == pd.Timestamp("2024-02-11 00:30:00")
    assert c1.btyd_recency == 18 and c1.btyd_t == 18 and c1.days_since_last_order == 0


def frame() -> pd.DataFrame:
    return pd.DataFrame(ROWS, columns=["event_id", "customer_id", "event_type", "occurred_at", "order_id", "revenue"])


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_duckdb_converts_offsets_to_utc(tmp_path, fmt):
    raw = frame()
    path = tmp_path / f"events.{fmt}"
    if fmt == "csv":
        raw.to_csv(path, index=False)
    else:
        raw["occurred_at"] = pd.to_datetime(raw["occurred_at"], utc=True)
        raw.to_parquet(path, index=False)
    wh = duck_warehouse(tmp_path, path, None, as_of_date=AS_OF)
    wh.build(["--select", "+customer_facts", "--exclude", "test_type:unit", "--indirect-selection", "cautious"])
    check(wh.query("select * from marts.customer_facts"))


def test_postgres_converts_timestamptz_to_utc_whatever_the_session_zone(postgres_cluster, tmp_path):
    import psycopg2

    admin = psycopg2.connect(**postgres_cluster.dsn())
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute("drop database if exists tz_test")
        cur.execute("create database tz_test")
    admin.close()
    dsn = {**postgres_cluster.dsn(), "dbname": "tz_test"}
    conn = psycopg2.connect(**dsn)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("create schema raw_tz; "
                    "create table raw_tz.events (event_id text, customer_id text, event_type text, "
                    "occurred_at timestamptz, order_id text, revenue double precision)")
        cur.executemany("insert into raw_tz.events values (%s, %s, %s, %s, %s, %s)", ROWS)
    conn.close()

    class NewYorkSession(PgWarehouse):
        """Its own database, and a session time zone that is not UTC."""

        def env(self) -> dict:
            return {**super().env(), "PGTZ": "America/New_York", "PGDATABASE": "tz_test"}

        def connect_kwargs(self) -> dict:
            return dsn

    wh = NewYorkSession(postgres_cluster, tmp_path, vars={"raw_schema": "raw_tz", "as_of_date": AS_OF})
    wh.build(["--select", "+customer_facts", "--exclude", "test_type:unit", "--indirect-selection", "cautious"])
    check(wh.query("select * from marts.customer_facts"))
