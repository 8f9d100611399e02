"""Right to be forgotten: customers listed in the erasure source vanish from
every staging model, mart, history table, audience, the snapshot and the
published BI file on the next build, although history and the snapshot keep
rows from earlier builds. The build's data tests (reconciliations included)
still pass after the erasure."""

from __future__ import annotations

import subprocess
import sys

import duckdb
import pandas as pd

from conftest import duck_warehouse


def tables_with_customers(path) -> list[tuple[str, str]]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute("""
            select distinct table_schema, table_name from information_schema.columns
            where column_name = 'customer_id' and table_schema <> 'raw'
                and table_name <> 'stg_raw__erasure_requests'  -- the requests themselves
            order by 1, 2""").fetchall()
    finally:
        con.close()


def rows_of(path, schema: str, table: str, customers: list[str]) -> int:
    con = duckdb.connect(str(path), read_only=True)
    try:
        listed = ", ".join(f"'{c}'" for c in customers)
        return con.execute(f'select count(*) from "{schema}"."{table}" where customer_id in ({listed})').fetchone()[0]
    finally:
        con.close()


def test_erased_customers_vanish_from_every_table(demo_data, tmp_path):
    wh = duck_warehouse(tmp_path / "wh", demo_data / "events.parquet", demo_data / "customers.parquet")
    wh.run(["--resource-type", "snapshot"])

    champion = wh.query("select customer_id from marts.customer_rfm where rfm_segment = 'Champions' "
                        "order by monetary desc, customer_id limit 1")["customer_id"][0]
    one_timer = wh.query("select customer_id from marts.customer_segments where purchase_behavior = "
                         "'first_time_buyer' order by customer_id limit 1")["customer_id"][0]
    never_bought = wh.query("select customer_id from marts.customer_facts where not is_buyer "
                            "order by customer_id limit 1")["customer_id"][0]
    erased = [champion, one_timer, never_bought]
    before = wh.query("select count(*) as n from marts.customer_facts")["n"][0]

    kept = {(s, t) for s, t in tables_with_customers(wh.path) if rows_of(wh.path, s, t, erased) > 0}
    assert ("marts", "customer_segment_history") in kept and ("snapshots", "customer_segments_snapshot") in kept

    requests = tmp_path / "erasure_requests.csv"
    pd.DataFrame({"customer_id": erased, "requested_at": ["2026-11-01 10:00:00"] * 3}).to_csv(requests, index=False)
    # The next build, with every data and unit test: history and snapshot are incremental.
    wh.build(vars={"raw_erasure_requests_path": str(requests)})

    published = tmp_path / "published.duckdb"
    subprocess.run([sys.executable, "-m", "segwh.publish", "--from", str(wh.path), "--to", str(published)],
                   check=True, capture_output=True)
    for path in (wh.path, published):
        tables = tables_with_customers(path)
        assert len(tables) >= 8, tables  # marts with customers, snapshot (+ staging, intermediate)
        leftovers = {f"{s}.{t}": n for s, t in tables if (n := rows_of(path, s, t, erased))}
        assert not leftovers, f"{path.name}: erased customers still in {leftovers}"
    after = wh.query("select count(*) as n from marts.customer_facts")["n"][0]
    assert after == before - len(erased)
    history = wh.query("select count(distinct customer_id) as n from marts.customer_segment_history")["n"][0]
    assert history == after


PII_COLUMNS = {"email", "first_name", "last_name", "phone", "birth_date"}


def test_personal_data_never_reaches_marts_in_clear(duck_demo, demo_data):
    """The demo customers file carries email, names, phone and birth date: no
    mart or snapshot column is one of them by name, and no text column holds
    any of their values. (Dates are checked by name only: a birth date is an
    ordinary date.)"""
    customers = pd.read_parquet(demo_data / "customers.parquet")
    secrets = set()
    for column in ("email", "phone", "first_name", "last_name"):
        secrets |= set(customers[column].dropna().astype(str))
    columns = duck_demo.query("""
        select table_schema, table_name, column_name, data_type from information_schema.columns
        where table_schema in ('marts', 'snapshots')""")
    assert len(columns) > 100
    named = columns[columns["column_name"].str.lower().isin(PII_COLUMNS)
                    | columns["column_name"].str.lower().str.contains("birth_date|email_address|phone")]
    assert named.empty, named.to_string()
    for row in columns[columns["data_type"].str.upper() == "VARCHAR"].itertuples():
        values = duck_demo.query(f'select distinct "{row.column_name}" as v '
                                 f'from "{row.table_schema}"."{row.table_name}"')["v"].dropna()
        leaked = set(values) & secrets
        assert not leaked, f"{row.table_schema}.{row.table_name}.{row.column_name} holds personal data: " \
            f"{sorted(leaked)[:3]}"
