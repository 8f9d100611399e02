"""Bad input: nothing is lost silently. A battery of malformed raw events, each
with the outcome the documented rules give it (written here by hand, not read
from the SQL): clean, an exact duplicate, or quarantined with a reason. Bad
rows never fail the build; structural problems (a missing or empty file, a
missing column) fail it at once with a message naming the file or column."""

from __future__ import annotations

import csv

import pandas as pd
import pytest

from conftest import WITHOUT_UNIT_TESTS, duck_warehouse, pg_database_warehouse

COLUMNS = ["event_id", "customer_id", "event_type", "occurred_at", "order_id", "revenue", "quantity"]

# (row, expected outcome): 'clean', 'duplicate' or the quarantine reason.
BATTERY = [
    (["e01", "c1", "order_completed", "2024-03-01 10:00:00", "o1", "10.50", "1"], "clean"),
    (["e01", "c1", "order_completed", "2024-03-01 10:00:00", "o1", "10.50", "1"], "duplicate"),
    (["e01", "c1", "order_completed", "2024-03-01 10:00:00", "o1", "10.50", "1"], "duplicate"),
    # mixed time zones in one column: an offset is converted to UTC, no offset means UTC
    (["e02", "c1", "page_view", "2024-03-01T12:00:00+02:00", "", "", ""], "clean"),
    (["e03", "c2", "page_view", "2024-03-01 09:00:00Z", "", "", ""], "clean"),
    (["e04", "c2", "page_view", "2024-03-03", "", "", ""], "clean"),
    # the same instant written in another zone is the same content: an exact duplicate
    (["e03", "c2", "page_view", "2024-03-01 04:00:00-05:00", "", "", ""], "duplicate"),
    (["  e05 ", " c2 ", " ORDER_COMPLETED ", " 2024-03-02 08:30:00 ", " o5 ", " 7 ", ""], "clean"),
    (["e06", "c1", "order_refunded", "2024-03-05 10:00:00", "o1", "2.00", ""], "clean"),
    (["e07", "", "page_view", "2024-03-01 10:00:00", "", "", ""], "missing_customer"),
    (["", "c1", "page_view", "2024-03-01 10:00:00", "", "", ""], "missing_event_id"),
    (["", "", "", "", "", "", ""], "missing_event_id"),
    (["e08", "c1", "page_view", "", "", "", ""], "missing_timestamp"),
    (["e09", "c1", "page_view", "yesterday noon", "", "", ""], "unparseable_timestamp"),
    (["e10", "c1", "page_view", "2024-02-30 10:00:00", "", "", ""], "unparseable_timestamp"),
    (["e11", "c1", "page_view", "2999-01-01 00:00:00", "", "", ""], "future_timestamp"),
    (["e12", "c1", "teleport", "2024-03-01 10:00:00", "", "", ""], "unknown_event_type"),
    (["e13", "c1", "", "2024-03-01 10:00:00", "", "", ""], "unknown_event_type"),
    (["e14", "c1", "order_completed", "2024-03-01 10:00:00", "o2", "abc", "1"], "non_numeric_revenue"),
    (["e15", "c1", "order_completed", "2024-03-01 10:00:00", "o2b", "12,50", "1"], "non_numeric_revenue"),
    (["e16", "c1", "order_completed", "2024-03-01 10:00:00", "o3", "-5", "1"], "negative_revenue"),
    (["e17", "c1", "order_completed", "2024-03-01 10:00:00", "o4", "12", "two"], "non_numeric_value"),
    (["e18", "c1", "order_completed", "2024-03-01 10:00:00", "", "5", "1"], "missing_order_id"),
    (["e19", "c1", "order_refunded", "2024-03-01 10:00:00", "", "5", ""], "missing_order_id"),
    (["e20", "c9", "page_view", "2024-03-01 10:00:00", "", "", ""], "unknown_customer"),
    (["e21", "c1", "order_refunded", "2024-03-06 10:00:00", "o_missing", "5", ""], "unknown_refund_order"),
    # a refund of an order whose only line is quarantined refunds nothing known
    (["e22", "c1", "order_refunded", "2024-03-06 10:00:00", "o3", "5", ""], "unknown_refund_order"),
    # one event_id, two contents: both versions are held back
    (["e23", "c2", "page_view", "2024-03-01 10:00:00", "", "", ""], "conflicting_duplicate"),
    (["e23", "c2", "product_view", "2024-03-01 10:00:00", "", "", ""], "conflicting_duplicate"),
    # an exact copy of a conflicting version is still just a copy
    (["e23", "c2", "product_view", "2024-03-01 10:00:00", "", "", ""], "duplicate"),
]
REASONS = sorted({outcome for _, outcome in BATTERY} - {"clean", "duplicate"})


def write_csv(path, header, rows):
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        if header:
            writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.fixture(scope="module")
def battery_files(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("battery")
    events = write_csv(workdir / "events.csv", COLUMNS, [row for row, _ in BATTERY])
    customers = write_csv(workdir / "customers.csv", ["customer_id", "signed_up_at"],
                          [["c1", "2024-01-01 00:00:00"], ["c2", "2024-02-01 00:00:00"]])
    return workdir, events, customers


@pytest.fixture(scope="module")
def battery(battery_files):
    """The whole project, data tests included, built on the battery: it must pass."""
    workdir, events, customers = battery_files
    wh = duck_warehouse(workdir / "duck", events, customers)
    wh.build(WITHOUT_UNIT_TESTS)
    return wh


def expected_reasons() -> pd.Series:
    return pd.Series([o for _, o in BATTERY if o not in ("clean", "duplicate")]).value_counts().sort_index()


def test_every_reason_is_covered():
    assert len(REASONS) == 13


def test_each_bad_row_is_quarantined_with_its_reason(battery):
    got = battery.query("select quarantine_reason, count(*) as n from quarantine.quarantined_events group by 1")
    assert got.set_index("quarantine_reason")["n"].sort_index().to_dict() == expected_reasons().to_dict()
    detected = battery.query("select count(*) as n from quarantine.quarantined_events where detected_at is null")
    assert detected.n[0] == 0


def test_quarantine_keeps_the_raw_text(battery):
    rows = battery.query("select raw_event_id, raw_revenue, raw_occurred_at, raw_quantity "
                         "from quarantine.quarantined_events order by raw_event_id")
    by_id = rows.set_index("raw_event_id")
    assert by_id.loc["e14", "raw_revenue"] == "abc"
    assert by_id.loc["e09", "raw_occurred_at"] == "yesterday noon"
    assert by_id.loc["e17", "raw_quantity"] == "two"


def test_clean_rows_are_typed_and_in_utc(battery):
    clean = battery.query("select event_id, customer_id, event_type, occurred_at, order_id, revenue "
                          "from staging.stg_raw__events order by event_id")
    assert clean.event_id.tolist() == ["e01", "e02", "e03", "e04", "e05", "e06"]
    times = dict(zip(clean.event_id, clean.occurred_at))
    assert times["e02"] == pd.Timestamp("2024-03-01 10:00:00")
    assert times["e03"] == pd.Timestamp("2024-03-01 09:00:00")
    assert times["e04"] == pd.Timestamp("2024-03-03 00:00:00")
    e05 = clean[clean.event_id == "e05"].iloc[0]
    assert (e05.customer_id, e05.event_type, e05.order_id, float(e05.revenue)) == ("c2", "order_completed", "o5", 7.0)


def test_raw_rows_reconcile(battery):
    summary = battery.query("select outcome, quarantine_reason, raw_rows from quarantine.event_ingestion_summary")
    by_outcome = summary.groupby("outcome")["raw_rows"].sum().to_dict()
    outcomes = pd.Series([o for _, o in BATTERY])
    assert by_outcome["clean"] == (outcomes == "clean").sum()
    assert by_outcome["exact_duplicate"] == (outcomes == "duplicate").sum()
    assert by_outcome["quarantined"] == len(outcomes) - by_outcome["clean"] - by_outcome["exact_duplicate"]
    assert by_outcome["erased"] == 0
    assert summary.raw_rows.sum() == len(BATTERY)


def test_marts_count_only_clean_events(battery):
    facts = battery.query("select customer_id, order_count, net_revenue from marts.customer_facts order by 1")
    # c1: order o1 10.50 less a 2.00 refund; c2: order o5 of 7.00. Nothing quarantined is counted.
    assert facts.customer_id.tolist() == ["c1", "c2"]
    assert facts.order_count.tolist() == [1, 1]
    assert [float(v) for v in facts.net_revenue] == [8.5, 7.0]


def test_erased_customers_are_counted_not_quarantined(battery_files, tmp_path):
    workdir, events, customers = battery_files
    erasure = write_csv(tmp_path / "erasure.csv", ["customer_id"], [["c2"]])
    wh = duck_warehouse(tmp_path / "duck", events, customers, raw_erasure_requests_path=str(erasure))
    wh.build(["--select", "+event_ingestion_summary", "+event_load_manifest", "+quarantined_events", "+stg_raw__events",
              "assert_raw_events_reconcile", "--indirect-selection", "cautious"])
    summary = wh.query("select outcome, sum(raw_rows) as n from quarantine.event_ingestion_summary group by 1")
    by_outcome = summary.set_index("outcome")["n"].to_dict()
    c2_rows = sum(1 for row, _ in BATTERY if row[1].strip() == "c2")
    assert by_outcome["erased"] == c2_rows
    left = wh.query("select count(*) as n from quarantine.quarantined_events where raw_customer_id = 'c2'")
    assert left.n[0] == 0


@pytest.mark.parametrize("case", ["header_only", "all_null_parquet"])
def test_files_without_usable_rows_build_empty(tmp_path, case):
    if case == "header_only":
        events = write_csv(tmp_path / "events.csv", COLUMNS, [])
        expected_quarantined = 0
    else:
        events = tmp_path / "events.parquet"
        pd.DataFrame({c: pd.Series([None, None, None], dtype="object") for c in COLUMNS}).to_parquet(events)
        expected_quarantined = 1  # three identical all-NULL rows: one distinct row, two copies
    wh = duck_warehouse(tmp_path / "duck", events, None)
    # the whole project (data tests included) on the header-only file; up to segments on the other
    wh.build([] if case == "header_only" else
             ["--select", "+customer_segments", "+quarantined_events", "--indirect-selection", "cautious"])
    counts = wh.query("select (select count(*) from staging.stg_raw__events) as clean, "
                      "(select count(*) from quarantine.quarantined_events) as quarantined, "
                      "(select count(*) from marts.customer_segments) as segments")
    assert counts.iloc[0].tolist() == [0, expected_quarantined, 0]


@pytest.mark.parametrize("case, message", [
    ("missing_file", "Raw events file not found: no file matches"),
    ("empty_file", "is empty or has no header row"),
    ("missing_column", "missing required column(s): occurred_at"),
])
def test_structural_problems_fail_at_once_naming_the_file(tmp_path, case, message):
    events = tmp_path / "events.csv"
    if case == "empty_file":
        events.write_text("")
    elif case == "missing_column":
        write_csv(events, [c for c in COLUMNS if c != "occurred_at"], [["e1", "c1", "page_view", "", "", ""]])
    wh = duck_warehouse(tmp_path / "duck", events, None)
    result = wh.build(["--select", "base_raw__events"], check=False)
    assert not result.ok
    assert message in result.output
    assert str(events) in result.output


def test_postgres_text_columns_give_the_same_quarantine(battery, postgres_cluster, tmp_path):
    """The same battery as an all-text raw table on PostgreSQL (its parsing goes through
    the functions created at run start) gives the same clean rows and reasons."""
    import psycopg2

    wh = pg_database_warehouse(postgres_cluster, "quarantine_check", tmp_path, raw_schema="raw_battery")
    conn = psycopg2.connect(**wh.connect_kwargs())
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("create schema raw_battery")
        cur.execute("create table raw_battery.events (" + ", ".join(f"{c} text" for c in COLUMNS) + ")")
        cur.execute("create table raw_battery.customers (customer_id text, signed_up_at timestamp)")
        for row, _ in BATTERY:
            cur.execute("insert into raw_battery.events values (" + ", ".join(["%s"] * len(COLUMNS)) + ")",
                        [value if value != "" else None for value in row])
        cur.execute("insert into raw_battery.customers values ('c1', '2024-01-01'), ('c2', '2024-02-01')")
    conn.close()
    wh.build(["--select", "+event_ingestion_summary", "+event_load_manifest", "+quarantined_events", "+stg_raw__events",
              "assert_raw_events_reconcile", "--indirect-selection", "cautious"])
    sql_reasons = "select quarantine_reason, count(*) as n from quarantine.quarantined_events group by 1 order by 1"
    pg = wh.query(sql_reasons)
    assert pg.set_index("quarantine_reason")["n"].to_dict() == expected_reasons().to_dict()
    sql_clean = "select event_id, occurred_at, revenue from staging.stg_raw__events order by event_id"
    duck_clean, pg_clean = battery.query(sql_clean), wh.query(sql_clean)
    assert duck_clean.event_id.tolist() == pg_clean.event_id.tolist()
    assert [pd.Timestamp(t) for t in duck_clean.occurred_at] == [pd.Timestamp(t) for t in pg_clean.occurred_at]
