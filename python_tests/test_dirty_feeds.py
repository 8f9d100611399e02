"""Dirty feeds as real exports deliver them: no single value fails a build.

Each raw row below carries the outcome the documented rules give it, written by
hand (not read from the SQL). The whole project, data tests included, must build
on them on DuckDB and on PostgreSQL, with the same outcome per row on both.
Typed inputs (a Parquet float column holding NaN, an int64 beyond the integer
type), a CSV whose bad value comes after the reader's type-detection sample, and
bad customer and consent rows are quarantined too. Structural problems stop the
build at once with a message naming the file and column, also when the path
holds quotes or spaces."""

from __future__ import annotations

import csv
import math

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from conftest import WITHOUT_UNIT_TESTS, duck_warehouse, pg_database_warehouse

COLUMNS = ["event_id", "customer_id", "event_type", "occurred_at", "order_id", "revenue",
           "quantity", "campaign_id", "campaign_variant"]


def row(event_id, occurred_at="2024-03-01 10:00:00", event_type="page_view", customer="c1", order_id="",
        revenue="", quantity="", campaign_id="", variant=""):
    return [event_id, customer, event_type, occurred_at, order_id, revenue, quantity, campaign_id, variant]


# (raw row, expected outcome, expected UTC time of a clean row)
EVENTS = [
    # the documented ISO grammar, in full
    (row("t01", "2024-03-01T10:00:00.123Z"), "clean", "2024-03-01 10:00:00.123"),
    (row("t02", "2024-03-01 10:00"), "clean", "2024-03-01 10:00:00"),
    (row("t03", "2024-03-01T10:00:00+0530"), "clean", "2024-03-01 04:30:00"),
    (row("t04", "2024-03-01 10:00:00-03"), "clean", "2024-03-01 13:00:00"),
    (row("t05", "2024-03-01 23:59:59.999999"), "clean", "2024-03-01 23:59:59.999999"),
    # outside it: a wrong time must never be stored
    (row("t06", "2024-01-05 10:00:00 PM"), "unparseable_timestamp", None),           # 12-hour clock
    (row("t07", "2024-01-05 10:00:00 America/New_York"), "unparseable_timestamp", None),  # zone name
    (row("t08", "2024-01-05 10:00:00+25:00"), "unparseable_timestamp", None),        # no such offset
    (row("t09", "2024-01-05 24:00:00"), "unparseable_timestamp", None),
    (row("t10", "05/01/2024 10:00"), "unparseable_timestamp", None),                 # spreadsheet
    (row("t11", "2024-01-05 10:00:00 +02:00"), "unparseable_timestamp", None),       # space before offset
    (row("t12", "20240105T100000"), "unparseable_timestamp", None),                  # basic format
    (row("t13", "2024-01-05T10:00:00.1234567"), "unparseable_timestamp", None),      # nanoseconds
    # a plausibility window: placeholder dates of broken exports
    (row("t14", "0001-01-01 00:00:00"), "implausible_timestamp", None),
    (row("t15", "1970-01-01"), "implausible_timestamp", None),
    (row("t16", "1990-01-01 00:00:00"), "clean", "1990-01-01 00:00:00"),
    # numbers that are not numbers, or do not fit their type
    (row("n01", event_type="order_completed", order_id="o1", revenue="NaN", quantity="1"), "non_numeric_revenue", None),
    (row("n02", event_type="order_completed", order_id="o2", revenue="Infinity", quantity="1"),
     "non_numeric_revenue", None),
    (row("n03", event_type="order_completed", order_id="o3", revenue="1e400", quantity="1"), "non_numeric_revenue", None),
    (row("n04", event_type="order_completed", order_id="o4", revenue="9999999999999999", quantity="1"),
     "non_numeric_revenue", None),
    (row("n05", event_type="order_completed", order_id="o5", revenue="10", quantity="99999999999"),
     "non_numeric_value", None),
    (row("n06", event_type="order_completed", order_id="o6", revenue="10", quantity="1.5"), "non_numeric_value", None),
    (row("n07", event_type="order_completed", order_id="o7", revenue="+7.50", quantity="2"), "clean",
     "2024-03-01 10:00:00"),
    (row("n08", event_type="order_completed", order_id="o8", revenue="999999999999999.99", quantity="999999999"),
     "clean", "2024-03-01 10:00:00"),
    # a spreadsheet writes whole numbers as 2.0
    (row("n09", event_type="order_completed", order_id="o9", revenue="3", quantity="2.0"), "clean",
     "2024-03-01 10:00:00"),
    # a documented vocabulary: checked as a quarantine reason, not by a test that stops the build
    (row("v01", event_type="campaign_assigned", campaign_id="k1", variant="Variant B"), "unknown_campaign_variant",
     None),
    (row("v02", event_type="campaign_assigned", campaign_id="k1", variant=" Treatment "), "clean",
     "2024-03-01 10:00:00"),
    (row("v03", event_type="campaign_assigned", campaign_id="k1", variant="control"), "clean", "2024-03-01 10:00:00"),
]
REASONS = {outcome for _, outcome, _ in EVENTS} - {"clean"}

CUSTOMERS = [
    # (customer_id, signed_up_at, birth_date, expected reason, held back)
    ("c1", "2024-01-01 00:00:00", "1985-02-03", None, None),
    ("c2", "yesterday", "1985-02-03", "unparseable_signed_up_at", False),
    ("c3", "2024-01-01", "1985-02-30", "invalid_birth_date", False),
    ("c4", "0001-01-01", "", "implausible_signed_up_at", False),
    ("", "2024-01-01", "", "missing_customer_id", True),
]

CONSENTS = [
    # (customer_id, channel, consent_status, recorded_at, expected reason)
    ("c1", " EMAIL ", "Opt_In", "2024-01-01 00:00:00", None),
    ("c2", "email", "opt_in", "yesterday", "unparseable_timestamp"),
    ("c3", "fax", "opt_in", "2024-01-01", "unknown_channel"),
    ("c4", "sms", "maybe", "2024-01-01", "unknown_consent_status"),
    ("", "sms", "opt_in", "2024-01-01", "missing_customer_id"),
    ("c1", "push", "opt_in", "", "missing_timestamp"),
    ("c1", "push", "opt_in", "1900-01-01", "implausible_timestamp"),
]


def write_csv(path, header, rows):
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def expected_event_reasons() -> dict:
    return pd.Series([o for _, o, _ in EVENTS if o != "clean"]).value_counts().sort_index().to_dict()


def reasons(wh, model: str) -> dict:
    got = wh.query(f"select quarantine_reason, count(*) as n from quarantine.{model} group by 1 order by 1")
    return {reason: int(n) for reason, n in zip(got.quarantine_reason, got.n)}


def dirty_inputs(folder):
    """The three dirty CSV files in folder (also used by the Spark test)."""
    events = write_csv(folder / "events.csv", COLUMNS, [r for r, _, _ in EVENTS])
    customers = write_csv(folder / "customers.csv", ["customer_id", "signed_up_at", "birth_date"],
                          [c[:3] for c in CUSTOMERS])
    consents = write_csv(folder / "consents.csv", ["customer_id", "channel", "consent_status", "recorded_at"],
                         [c[:4] for c in CONSENTS])
    return events, customers, consents


@pytest.fixture(scope="module")
def dirty_files(tmp_path_factory):
    # a folder with a quote and a space in its name
    workdir = tmp_path_factory.mktemp("dirty") / "it's a feed"
    workdir.mkdir()
    return (workdir, *dirty_inputs(workdir))


@pytest.fixture(scope="module")
def duck_dirty(dirty_files, tmp_path_factory):
    """The whole project, every data test included, on the dirty feed: it must pass."""
    workdir, events, customers, consents = dirty_files
    wh = duck_warehouse(tmp_path_factory.mktemp("duck_dirty"), events, customers, consents)
    wh.build(WITHOUT_UNIT_TESTS)
    return wh


def test_every_class_has_a_case():
    assert REASONS == {"unparseable_timestamp", "implausible_timestamp", "non_numeric_revenue",
                       "non_numeric_value", "unknown_campaign_variant"}


def test_dirty_events_are_quarantined_with_their_reason(duck_dirty):
    assert reasons(duck_dirty, "quarantined_events") == expected_event_reasons()


def test_clean_times_are_exact(duck_dirty):
    clean = duck_dirty.query("select event_id, occurred_at, quantity from staging.stg_raw__events order by event_id")
    expected = {r[0]: pd.Timestamp(t) for r, o, t in EVENTS if o == "clean"}
    assert dict(zip(clean.event_id, [pd.Timestamp(t) for t in clean.occurred_at])) == expected
    quantities = dict(zip(clean.event_id, clean.quantity))
    assert (quantities["n07"], quantities["n08"], quantities["n09"]) == (2, 999999999, 2)


def test_history_covers_only_real_months(duck_dirty):
    """A 0001-01-01 event is quarantined, so history starts at the first real month."""
    span = duck_dirty.query("select min(period_start) as first, max(period_end) as last "
                            "from marts.customer_segment_history")
    assert pd.Timestamp(span["first"][0]) == pd.Timestamp("1990-01-01")  # t16, the earliest plausible event
    assert pd.Timestamp(span["last"][0]) >= pd.Timestamp("2024-02-29")


def test_bad_customer_rows_keep_the_customer_or_are_held_back(duck_dirty):
    got = duck_dirty.query("select raw_customer_id, quarantine_reason, held_back "
                           "from quarantine.quarantined_customers order by quarantine_reason")
    actual = [(None if pd.isna(c) else c, r, bool(h))
              for c, r, h in zip(got.raw_customer_id, got.quarantine_reason, got.held_back)]
    expected = [((c[0] or None), c[3], c[4]) for c in CUSTOMERS if c[3]]
    assert actual == sorted(expected, key=lambda t: t[1])
    customers = duck_dirty.query("select customer_id, signed_up_at, birth_date from staging.stg_raw__customers "
                                 "order by customer_id")
    assert customers.customer_id.tolist() == ["c1", "c2", "c3", "c4"]
    by_id = customers.set_index("customer_id")
    assert pd.isna(by_id.loc["c2", "signed_up_at"]) and pd.isna(by_id.loc["c4", "signed_up_at"])
    assert pd.isna(by_id.loc["c3", "birth_date"])
    assert pd.Timestamp(by_id.loc["c1", "birth_date"]) == pd.Timestamp("1985-02-03")


def test_bad_consent_rows_are_held_back(duck_dirty):
    assert reasons(duck_dirty, "quarantined_consents") == {c[4]: 1 for c in CONSENTS if c[4]}
    usable = duck_dirty.query("select customer_id, channel, consent_status from staging.stg_raw__consents")
    assert usable.values.tolist() == [["c1", "email", "opt_in"]]


def test_postgres_gives_the_same_outcomes(duck_dirty, dirty_files, postgres_cluster, tmp_path):
    """The same rows as all-text tables on PostgreSQL: the same reasons and the same clean times,
    the whole project and its data tests passing."""
    import psycopg2

    wh = pg_database_warehouse(postgres_cluster, "dirty_feeds", tmp_path)
    conn = psycopg2.connect(**wh.connect_kwargs())
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("create schema raw")
        for table, header, rows in [
            ("events", COLUMNS, [r for r, _, _ in EVENTS]),
            ("customers", ["customer_id", "signed_up_at", "birth_date"], [c[:3] for c in CUSTOMERS]),
            ("consents", ["customer_id", "channel", "consent_status", "recorded_at"], [c[:4] for c in CONSENTS]),
        ]:
            cur.execute(f"create table raw.{table} (" + ", ".join(f"{c} text" for c in header) + ")")
            for values in rows:
                cur.execute(f"insert into raw.{table} values (" + ", ".join(["%s"] * len(header)) + ")",
                            [v if v != "" else None for v in values])
    conn.close()
    wh.build(WITHOUT_UNIT_TESTS)
    for model in ["quarantined_events", "quarantined_customers", "quarantined_consents"]:
        assert reasons(wh, model) == reasons(duck_dirty, model), model
    sql = "select event_id, occurred_at, revenue, quantity, campaign_variant from staging.stg_raw__events order by 1"
    duck, pg = duck_dirty.query(sql), wh.query(sql)
    assert duck.event_id.tolist() == pg.event_id.tolist()
    assert [int(q) if pd.notna(q) else None for q in duck.quantity] == \
        [int(q) if pd.notna(q) else None for q in pg.quantity]
    assert [pd.Timestamp(t) for t in duck.occurred_at] == [pd.Timestamp(t) for t in pg.occurred_at]
    assert duck.campaign_variant.tolist() == pg.campaign_variant.tolist()


def test_postgres_typed_columns_out_of_range(postgres_cluster, tmp_path):
    """A typed PostgreSQL table: double precision revenue holding NaN and Infinity,
    a bigint quantity beyond the integer type. Quarantined, never a failed cast."""
    import psycopg2

    wh = pg_database_warehouse(postgres_cluster, "typed_feed", tmp_path, raw_schema="raw_typed")
    conn = psycopg2.connect(**wh.connect_kwargs())
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("create schema raw_typed")
        cur.execute("create table raw_typed.events (event_id text, customer_id text, event_type text, "
                    "occurred_at timestamp, order_id text, revenue double precision, quantity bigint)")
        cur.execute("""insert into raw_typed.events values
            ('p1', 'c1', 'order_completed', '2024-03-01 10:00', 'o1', 'NaN', 1),
            ('p2', 'c1', 'order_completed', '2024-03-01 10:00', 'o2', 'Infinity', 1),
            ('p3', 'c1', 'order_completed', '2024-03-01 10:00', 'o3', 1e20, 1),
            ('p4', 'c1', 'order_completed', '2024-03-01 10:00', 'o4', 10.5, 99999999999),
            ('p5', 'c1', 'order_completed', '2024-03-01 10:00', 'o5', 10.5, 2),
            ('p6', 'c1', 'page_view', '0001-01-01 00:00', null, null, null)""")
    conn.close()
    wh.build(["--select", "+quarantined_events", "+stg_raw__events", "+event_ingestion_summary", "+event_load_manifest",
              "assert_raw_events_reconcile", "--indirect-selection", "cautious"])
    assert reasons(wh, "quarantined_events") == {"non_numeric_revenue": 3, "non_numeric_value": 1,
                                                 "implausible_timestamp": 1}
    clean = wh.query("select event_id, revenue, quantity from staging.stg_raw__events")
    assert [[r[0], float(r[1]), int(r[2])] for r in clean.values.tolist()] == [["p5", 10.5, 2]]


def test_typed_parquet_non_finite_and_overflow(tmp_path):
    """A Parquet export with a float revenue column (NaN, Infinity, too large) and an
    int64 quantity beyond the integer type, and a typed timestamp at 0001-01-01."""
    events = tmp_path / "events.parquet"
    table = pa.table({
        "event_id": ["p1", "p2", "p3", "p4", "p5", "p6", "p7"],
        "customer_id": ["c1"] * 7,
        "event_type": ["order_completed"] * 6 + ["page_view"],
        "occurred_at": pa.array([pd.Timestamp("2024-03-01 10:00")] * 6 + [pd.Timestamp("0001-01-01").to_pydatetime()],
                                type=pa.timestamp("us")),
        "order_id": ["o1", "o2", "o3", "o4", "o5", "o6", None],
        "revenue": pa.array([math.nan, math.inf, 1e20, 10.5, 10.5, 2.25, None], type=pa.float64()),
        "quantity": pa.array([1, 1, 1, 99999999999, 1, 3, None], type=pa.int64()),
    })
    pq.write_table(table, events)
    wh = duck_warehouse(tmp_path / "duck", events, None)
    wh.build(["--select", "+quarantined_events", "+stg_raw__events", "+event_ingestion_summary", "+event_load_manifest",
              "assert_raw_events_reconcile", "--indirect-selection", "cautious"])
    assert reasons(wh, "quarantined_events") == {"non_numeric_revenue": 3, "non_numeric_value": 1,
                                                 "implausible_timestamp": 1}
    clean = wh.query("select event_id, cast(revenue as double) as revenue, quantity "
                     "from staging.stg_raw__events order by 1")
    assert clean.values.tolist() == [["p5", 10.5, 1], ["p6", 2.25, 3]]


def test_bad_value_after_the_csv_sample(tmp_path):
    """A CSV whose bad timestamp and bad revenue come after row 25,000 (past any
    type-detection sample): read as text, so only those rows are quarantined."""
    rows = [row(f"e{i:06d}", f"2024-03-{1 + i % 28:02d} 10:00:00", "order_completed", order_id=f"o{i}",
                revenue="12.50", quantity="1") for i in range(30_000)]
    rows[25_001][3] = "not a time"
    rows[27_000][5] = "abc"
    events = write_csv(tmp_path / "events.csv", COLUMNS, rows)
    wh = duck_warehouse(tmp_path / "duck", events, None)
    wh.build(["--select", "+quarantined_events", "+stg_raw__events", "+event_ingestion_summary", "+event_load_manifest",
              "assert_raw_events_reconcile", "--indirect-selection", "cautious"])
    assert reasons(wh, "quarantined_events") == {"unparseable_timestamp": 1, "non_numeric_revenue": 1}
    assert wh.query("select count(*) as n from staging.stg_raw__events").n[0] == 29_998


def test_customers_file_without_customer_id_names_the_file(tmp_path):
    events = write_csv(tmp_path / "events.csv", COLUMNS, [row("e1")])
    customers = write_csv(tmp_path / "customers.csv", ["id", "signed_up_at"], [["c1", "2024-01-01"]])
    wh = duck_warehouse(tmp_path / "duck", events, customers)
    result = wh.build(["--select", "+base_raw__events"], check=False)
    assert not result.ok
    assert "customers" in result.output and "missing required column(s): customer_id" in result.output
    assert str(customers) in result.output


def test_epoch_number_timestamps_stop_naming_the_column(tmp_path):
    events = tmp_path / "events.parquet"
    pd.DataFrame({"event_id": ["e1"], "customer_id": ["c1"], "event_type": ["page_view"],
                  "occurred_at": [1709287200], "order_id": [None], "revenue": [None]}).to_parquet(events)
    wh = duck_warehouse(tmp_path / "duck", events, None)
    result = wh.build(["--select", "base_raw__events"], check=False)
    assert not result.ok
    assert "column occurred_at holds numbers" in result.output
    assert str(events) in result.output


def test_earliest_date_var_is_validated(tmp_path):
    events = write_csv(tmp_path / "events.csv", COLUMNS, [row("e1")])
    wh = duck_warehouse(tmp_path / "duck", events, None)
    result = wh.build(["--select", "base_raw__events"], vars={"quarantine_earliest_date": "1990-13-01"}, check=False)
    assert not result.ok
    assert "var 'quarantine_earliest_date' must be a date written YYYY-MM-DD" in result.output
