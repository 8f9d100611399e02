"""Right to be forgotten: customers listed in the erasure source vanish from
every staging model, mart, history table, audience, the snapshot and the
published BI file on the next build, although history and the snapshot keep
rows from earlier builds. The build's data tests (reconciliations included)
still pass after the erasure.

Personal data never reaches marts in clear: the one identifier activation
needs, the email, is published only as a salted hash."""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys

import duckdb
import pandas as pd

from conftest import ACTIVATION_SALT, duck_warehouse


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
    wh = duck_warehouse(tmp_path / "wh", demo_data / "events.parquet", demo_data / "customers.parquet",
                        demo_data / "consents.parquet")
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
    assert ("staging", "stg_raw__consents") in kept and ("intermediate", "int_customer_emails_hashed") in kept

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
HASH_COLUMN = re.compile(r"_hash$")
SHA256_HEX = re.compile(r"^[0-9a-f]{64}$")
# email, customer_email, email_address (not email_open_rate), phone, names, birth date
PII_NAME = re.compile(r"(?:^|_)email(?:$|_address)|phone|first_name|last_name|birth_date")


def personal_data_leaks(query, secrets: set[str], schemas=("marts", "snapshots")) -> list[str]:
    """Every way the tables of these schemas show personal data: a column named
    like one (email, names, phone, birth date; `<x>_hash` columns excepted), a
    text value that is one of the secrets (compared trimmed and lower-cased, so
    a normalised email is caught too), or a `<x>_hash` column holding anything
    but SHA-256 hex digests."""
    listed = ", ".join(f"'{s}'" for s in schemas)
    columns = query(f"""
        select table_schema, table_name, column_name, data_type from information_schema.columns
        where table_schema in ({listed})""")
    names = columns["column_name"].str.lower()
    named = columns[~names.str.contains(HASH_COLUMN)
                    & (names.isin(PII_COLUMNS) | names.str.contains(PII_NAME))]
    leaks = [f"{r.table_schema}.{r.table_name}.{r.column_name}: named like personal data" for r in named.itertuples()]
    normalized = {s.strip().lower() for s in secrets}
    for row in columns[columns["data_type"].str.upper() == "VARCHAR"].itertuples():
        values = query(f'select distinct "{row.column_name}" as v '
                       f'from "{row.table_schema}"."{row.table_name}"')["v"].dropna().astype(str)
        leaked = {v for v in values if v.strip().lower() in normalized}
        if leaked:
            leaks.append(f"{row.table_schema}.{row.table_name}.{row.column_name} holds personal data: "
                         f"{sorted(leaked)[:3]}")
        if HASH_COLUMN.search(row.column_name.lower()) and not values.map(lambda v: bool(SHA256_HEX.match(v))).all():
            leaks.append(f"{row.table_schema}.{row.table_name}.{row.column_name} is not a SHA-256 hex hash")
    return leaks


def secrets_of(customers: pd.DataFrame) -> set[str]:
    secrets = set()
    for column in ("email", "phone", "first_name", "last_name"):
        secrets |= set(customers[column].dropna().astype(str))
    return secrets


def test_personal_data_never_reaches_marts_in_clear(duck_demo, demo_data):
    """The demo customers file carries email, names, phone and birth date: no
    mart or snapshot column is one of them by name, no text column holds any of
    their values, and the hashed emails are hashes, salted: none equals the
    plain sha256 of an email. (Dates are checked by name only: a birth date is
    an ordinary date.)"""
    customers = pd.read_parquet(demo_data / "customers.parquet")
    columns = duck_demo.query("select count(*) as n from information_schema.columns "
                              "where table_schema in ('marts', 'snapshots')")
    assert columns["n"][0] > 100
    assert personal_data_leaks(duck_demo.query, secrets_of(customers)) == []

    hashes = set(duck_demo.query("select email_hash from marts.cart_abandonment_audience union "
                                 "select email_hash from marts.segment_audience_exports")["email_hash"].dropna())
    assert len(hashes) > 100, "the audiences publish hashed emails"
    emails = customers["email"].dropna().str.strip().str.lower()
    assert not hashes & {hashlib.sha256(e.encode()).hexdigest() for e in emails}, "unsalted hashes"
    assert hashes <= {hashlib.sha256((ACTIVATION_SALT + e).encode()).hexdigest() for e in emails}


def test_the_personal_data_scan_catches_clear_emails(tmp_path):
    """The scan above is not vacuous: a mart with an email in clear (under any
    column name, in any case), a column named like personal data, or a
    `_hash` column that is not a hash is reported; a salted hash is not."""
    email = "olivia.smith.7@example.com"
    salted = hashlib.sha256((ACTIVATION_SALT + email).encode()).hexdigest()
    path = tmp_path / "leaky.duckdb"
    con = duckdb.connect(str(path))
    con.execute("create schema marts")
    con.execute("create table marts.clean (customer_id varchar, email_hash varchar)")
    con.execute("insert into marts.clean values ('c1', ?)", [salted])
    con.execute("create table marts.leaky (customer_id varchar, contact varchar)")
    con.execute("insert into marts.leaky values ('c1', ?)", [" Olivia.Smith.7@example.com"])
    con.execute("create table marts.named (customer_id varchar, customer_email varchar)")
    con.execute("create table marts.fake_hash (customer_id varchar, phone_hash varchar)")
    con.execute("insert into marts.fake_hash values ('c1', '+44 123456789')")
    con.close()

    def query(sql):
        con = duckdb.connect(str(path), read_only=True)
        try:
            return con.execute(sql).df()
        finally:
            con.close()

    leaks = personal_data_leaks(query, {email}, schemas=("marts",))
    assert any(leak.startswith("marts.leaky.contact holds personal data") for leak in leaks), leaks
    assert any(leak.startswith("marts.named.customer_email: named like") for leak in leaks), leaks
    assert any(leak.startswith("marts.fake_hash.phone_hash is not a SHA-256") for leak in leaks), leaks
    assert not [leak for leak in leaks if leak.startswith("marts.clean")], leaks
