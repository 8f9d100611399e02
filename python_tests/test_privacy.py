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
import psycopg2

from conftest import ACTIVATION_SALT, WITHOUT_UNIT_TESTS, duck_warehouse, pg_database_warehouse


# Text column types, as information_schema names them on DuckDB and PostgreSQL.
TEXT_TYPES = {"VARCHAR", "TEXT", "CHARACTER VARYING"}
SYSTEM_SCHEMAS = {"information_schema", "pg_catalog", "pg_toast"}
# The requests themselves: the project's list of whom to forget (a suppression
# list, ids only), a view or copy of the erasure source that is left as it is.
REQUESTS = "stg_raw__erasure_requests"


def pick_customers_to_erase(query) -> list[str]:
    """A Champion (the biggest spender), a one-time buyer and a customer who never bought."""
    champion = query("select customer_id from marts.customer_rfm where rfm_segment = 'Champions' "
                     "order by monetary desc, customer_id limit 1")["customer_id"][0]
    one_timer = query("select customer_id from marts.customer_segments where purchase_behavior = "
                      "'first_time_buyer' order by customer_id limit 1")["customer_id"][0]
    never_bought = query("select customer_id from marts.customer_facts where not is_buyer "
                         "order by customer_id limit 1")["customer_id"][0]
    return [champion, one_timer, never_bought]


def traces_of_customers(customers: pd.DataFrame, ids: list[str]) -> tuple[set[str], set[str]]:
    """What would show that these customers were here: (values compared whole:
    their ids, names and phones; values looked for inside any text: their
    emails and salted email hashes), all trimmed and lower-cased."""
    rows = customers[customers["customer_id"].isin(ids)]
    assert len(rows) == len(ids)
    whole = set(ids)
    for column in ("first_name", "last_name", "phone"):
        whole |= set(rows[column].dropna().astype(str))
    emails = set(rows["email"].dropna().astype(str).str.strip().str.lower())
    hashes = {hashlib.sha256((ACTIVATION_SALT + e).encode()).hexdigest() for e in emails}
    return {v.strip().lower() for v in whole}, emails | hashes


def sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def relations_with_traces(query, traces: tuple[set[str], set[str]], skip_schemas=("raw",)) -> dict[str, int]:
    """Every table and view of every schema but the system ones, `skip_schemas`
    (the raw input) and the erasure requests: {schema.relation: rows} of those
    where some text column holds one of the whole values or contains one of
    the inner values (case and surrounding blanks ignored)."""
    whole, inner = traces
    columns = query("select table_schema, table_name, column_name, data_type from information_schema.columns")
    columns = columns[~columns["table_schema"].isin(SYSTEM_SCHEMAS | set(skip_schemas))
                      & (columns["table_name"] != REQUESTS)
                      & columns["data_type"].str.upper().isin(TEXT_TYPES)]
    found = {}
    for (schema, table), group in columns.groupby(["table_schema", "table_name"]):
        conditions = []
        for column in group["column_name"]:
            value = f'lower(trim("{column}"))'
            conditions.append(f"{value} in ({', '.join(sql_text(v) for v in sorted(whole))})")
            conditions += [f"{value} like {sql_text('%' + v + '%')}" for v in sorted(inner)]
        rows = query(f'select count(*) as n from "{schema}"."{table}" where ' + " or ".join(conditions))["n"][0]
        if rows:
            found[f"{schema}.{table}"] = int(rows)
    return found


def duck_query(path):
    def query(sql: str) -> pd.DataFrame:
        con = duckdb.connect(str(path), read_only=True)
        try:
            return con.execute(sql).df()
        finally:
            con.close()
    return query


# Tables that hold the customers before an erasure on DuckDB and PostgreSQL:
# the scan must find them there first, so its empty result afterwards means something.
HELD_BEFORE = ("marts.customer_segment_history", "marts.segment_transitions", "snapshots.customer_segments_snapshot",
               "staging.base_raw__events", "staging.stg_raw__consents", "intermediate.int_customer_emails_hashed")


def customers_to_forget(wh, customers_file) -> tuple[list[str], tuple[set[str], set[str]], int]:
    """Pick the three customers, check the scan sees them in HELD_BEFORE;
    return them, their traces and the number of customers before."""
    erased = pick_customers_to_erase(wh.query)
    traces = traces_of_customers(pd.read_parquet(customers_file), erased)
    kept = relations_with_traces(wh.query, traces)
    for relation in HELD_BEFORE:
        assert relation in kept, f"the scan must see the customers in {relation} before the erasure: {kept}"
    return erased, traces, wh.query("select count(*) as n from marts.customer_facts")["n"][0]


def assert_forgotten(wh, traces, before: int, erased: list[str]) -> None:
    """No trace anywhere; the customers are gone from the facts and from every period of history."""
    assert relations_with_traces(wh.query, traces) == {}
    after = wh.query("select count(*) as n from marts.customer_facts")["n"][0]
    assert after == before - len(erased)
    history = wh.query("select count(distinct customer_id) as n from marts.customer_segment_history")["n"][0]
    assert history == after


def test_erased_customers_vanish_from_every_table(demo_data, tmp_path):
    wh = duck_warehouse(tmp_path / "wh", demo_data / "events.parquet", demo_data / "customers.parquet",
                        demo_data / "consents.parquet")
    wh.run(["--resource-type", "snapshot"])
    erased, traces, before = customers_to_forget(wh, demo_data / "customers.parquet")

    requests = tmp_path / "erasure_requests.csv"
    pd.DataFrame({"customer_id": erased, "requested_at": ["2026-11-01 10:00:00"] * 3}).to_csv(requests, index=False)
    # The next build, with every data test: history and snapshot are incremental.
    wh.build(WITHOUT_UNIT_TESTS, vars={"raw_erasure_requests_path": str(requests)})

    published = tmp_path / "published.duckdb"
    subprocess.run([sys.executable, "-m", "segwh.publish", "--from", str(wh.path), "--to", str(published)],
                   check=True, capture_output=True)
    assert_forgotten(wh, traces, before, erased)
    assert relations_with_traces(duck_query(published), traces) == {}


def test_postgres_erased_customers_vanish_from_every_table(postgres_cluster, tmp_path):
    """The same on PostgreSQL, where the erasure source is the table
    raw.erasure_requests: the post-hooks delete the history and transitions
    rows of earlier periods and the on-run-end hook the snapshot's versions;
    every table and view of every schema the build writes is scanned."""
    from segwh.generate import generate, load_postgres

    data = tmp_path / "data"
    generate(customers=500, seed=11, out=data, quiet=True)
    wh = pg_database_warehouse(postgres_cluster, "privacy_erasure", tmp_path / "wh")
    load_postgres(data, wh.connect_kwargs(), schema="raw")
    wh.run(["--resource-type", "snapshot"])
    erased, traces, before = customers_to_forget(wh, data / "customers.parquet")

    conn = psycopg2.connect(**wh.connect_kwargs())
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("create table raw.erasure_requests (customer_id text, requested_at timestamp)")
        cur.executemany("insert into raw.erasure_requests values (%s, '2026-11-01 10:00:00')",
                        [(c,) for c in erased])
    conn.close()
    wh.build(WITHOUT_UNIT_TESTS)  # a plain build with every data test

    assert_forgotten(wh, traces, before, erased)
    # the erasure source is the user's record of the requests: left as it is
    assert sorted(wh.query("select customer_id from raw.erasure_requests")["customer_id"]) == sorted(erased)


def test_the_erasure_scan_finds_ids_emails_and_hashes_anywhere(tmp_path):
    """The scan above is not vacuous: an id in any text column, an email inside
    a longer text, a salted hash in any column, a name, in a table or a view of
    any schema, are found; the raw input and the requests are not scanned."""
    customers = pd.DataFrame({"customer_id": ["c1", "c2"], "email": [" Ann.Lee@Example.com", "bo@example.com"],
                              "first_name": ["Ann", "Bo"], "last_name": ["Lee", "Ng"], "phone": ["+1 555", "+1 556"]})
    traces = traces_of_customers(customers, ["c1"])
    salted = hashlib.sha256((ACTIVATION_SALT + "ann.lee@example.com").encode()).hexdigest()
    path = tmp_path / "traces.duckdb"
    con = duckdb.connect(str(path))
    for schema in ("raw", "staging", "marts", "features"):
        con.execute(f"create schema {schema}")
    con.execute("create table raw.customers as select * from (values ('c1')) as t(customer_id)")
    con.execute(f"create table staging.{REQUESTS} as select 'c1' as customer_id")
    con.execute("create table staging.clean as select 'c2' as customer_id, 'bo' as note")
    con.execute("create table marts.by_id as select ' C1 ' as member")
    con.execute("create table marts.by_email as select 'mail to ann.lee@example.com today' as note")
    con.execute(f"create table features.by_hash as select '{salted}' as audience_key")
    con.execute("create table marts.by_name as select 'LEE' as surname, 42 as n")
    con.execute("create view marts.a_view as select member from marts.by_id")
    con.close()
    assert relations_with_traces(duck_query(path), traces) == {
        "marts.by_id": 1, "marts.by_email": 1, "features.by_hash": 1, "marts.by_name": 1, "marts.a_view": 1}


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
    for row in columns[columns["data_type"].str.upper().isin(TEXT_TYPES)].itertuples():
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


def test_personal_data_never_reaches_marts_in_clear(demo_warehouse, demo_data):
    """The demo customers file carries email, names, phone and birth date: no
    mart or snapshot column (on DuckDB and PostgreSQL; Spark in test_spark.py) is one of them by name, no text column holds any of
    their values, and the hashed emails are hashes, salted: none equals the
    plain sha256 of an email. (Dates are checked by name only: a birth date is
    an ordinary date.)"""
    customers = pd.read_parquet(demo_data / "customers.parquet")
    columns = demo_warehouse.query("select count(*) as n from information_schema.columns "
                              "where table_schema in ('marts', 'snapshots')")
    assert columns["n"][0] > 100
    assert personal_data_leaks(demo_warehouse.query, secrets_of(customers)) == []

    hashes = set(demo_warehouse.query("select email_hash from marts.cart_abandonment_audience union "
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
