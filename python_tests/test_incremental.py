"""Incremental builds equal a full refresh. Randomized purchase histories
(adversarial.make_events) are split into batches that arrive one after the
other, with late events, exact copies re-sent in a later batch, conflicting
versions of old events and refunds that arrive before their order. After each
incremental run the incremental models (int_events_loaded, int_orders_netted)
must equal a full refresh on the same raw data; re-running the last batch
changes nothing. Checked on DuckDB and PostgreSQL, with batches in time order
(late events within the lookback) and in random order (with a lookback
covering the whole history, and with a 3-day lookback that batches arrive far
later than). Rows released from quarantine (their customer arrives later)
reach every mart on the next plain build."""

from __future__ import annotations

import numpy as np
import pandas as pd
import psycopg2
import pytest
from psycopg2.extras import execute_values

from adversarial import make_events, write_release_scenario
from compare import assert_same_table
from conftest import duck_warehouse, pg_database_warehouse

SELECT = ["--select", "+int_orders_netted", "+stg_raw__events"]
COLUMNS = ["event_id", "customer_id", "event_type", "occurred_at", "order_id", "revenue"]
EVENTS_SQL = "select * from staging.stg_raw__events order by event_id"
# loaded_at: the start of the build that wrote the row, different in any two builds
BUILD_TIME = ["loaded_at"]
ORDERS_SQL = "select * from intermediate.int_orders_netted order by order_id"


def make_batches(seed: int, n_batches: int, shuffle: bool, max_delay: int) -> list[pd.DataFrame]:
    """Events cut into n_batches by time. Each event arrives in its own time
    slice's batch or, late, up to max_delay batches after it. With shuffle the
    batches then arrive in random order. Extras: copies of earlier rows sent
    again, and conflicting versions (same event_id, other content)."""
    rng = np.random.default_rng(seed)
    events = make_events(seed, customers=150)
    times = events["occurred_at"].astype("int64")
    edges = np.linspace(times.min(), times.max(), n_batches + 1)[1:-1]  # equal spans of time
    slot = np.searchsorted(edges, times)
    delay = np.where(rng.random(len(events)) < 0.15, rng.integers(1, max_delay + 1, len(events)), 0)
    arrival = np.minimum(slot + delay, n_batches - 1)
    batches = [events[arrival == b].copy() for b in range(n_batches)]
    for b in range(1, n_batches):
        earlier = pd.concat(batches[:b])
        resent = earlier.sample(n=min(5, len(earlier)), random_state=seed + b)
        conflicting = earlier[earlier.event_type == "page_view"].sample(n=1, random_state=seed + b).copy()
        conflicting["event_type"] = "product_view"
        batches[b] = pd.concat([batches[b], resent, conflicting])
    if shuffle:
        order = rng.permutation(n_batches)
        batches = [batches[i] for i in order]
    return batches


def load_duck_batch(directory, number: int, batch: pd.DataFrame):
    batch[COLUMNS].to_parquet(directory / f"batch_{number:02d}.parquet", index=False)


def loaded_events(wh):
    return wh.query(EVENTS_SQL).drop(columns=BUILD_TIME)


def full_refresh_frames(tmp_path, raw_glob, vars=None):
    full = duck_warehouse(tmp_path, raw_glob, None, **(vars or {}))
    full.run(SELECT + ["--full-refresh"])
    return loaded_events(full), full.query(ORDERS_SQL)


def assert_same(incremental, expected_events, expected_orders):
    assert_same_table(loaded_events(incremental), expected_events, ["event_id"], "int_events_loaded")
    assert_same_table(incremental.query(ORDERS_SQL), expected_orders, ["order_id"], "int_orders_netted")


@pytest.mark.parametrize("seed, shuffle, lookback", [
    # 4 batches in time order, events up to 1 batch late. The history spans at most
    # 267 days (orders until 2024-08-15, refunds up to 40 days later), so a batch at
    # most 67 days: a late event is inside a 70-day lookback
    (11, False, 70),
    (12, True, 400),  # batches in random order; the lookback covers the whole history
    (14, True, 3),  # random order, a 3-day lookback: batches far later than it are loaded all the same
])
def test_duckdb_incremental_runs_equal_a_full_refresh(tmp_path, seed, shuffle, lookback):
    batches = make_batches(seed, n_batches=4 if not shuffle else 3, shuffle=shuffle, max_delay=1)
    raw = tmp_path / "raw"
    raw.mkdir()
    raw_glob = raw / "batch_*.parquet"
    wh = duck_warehouse(tmp_path / "incremental", raw_glob, None, incremental_lookback_days=lookback)
    for number, batch in enumerate(batches):
        load_duck_batch(raw, number, batch)
        wh.run(SELECT)
    expected = full_refresh_frames(tmp_path / "full", raw_glob)
    assert_same(wh, *expected)
    if shuffle:
        # re-running the same batch is idempotent
        wh.run(SELECT)
        assert_same(wh, *expected)
    else:
        # an earlier as-of date, then back to the default: still equal to full refreshes
        middle = str(pd.concat(batches).occurred_at.quantile(0.5).date())
        wh.run(SELECT, vars={"as_of_date": middle})
        assert_same(wh, *full_refresh_frames(tmp_path / "full_middle", raw_glob, {"as_of_date": middle}))
        wh.run(SELECT)
        assert_same(wh, *expected)


def test_events_later_than_the_lookback_are_loaded_by_the_next_plain_build(tmp_path):
    events = make_events(13, customers=60)
    raw = tmp_path / "raw"
    raw.mkdir()
    cut = events.occurred_at.quantile(0.5)
    recent, old = events[events.occurred_at >= cut], events[events.occurred_at < cut]
    # the old half arrives after the recent half: far later than a 3-day lookback
    wh = duck_warehouse(tmp_path / "wh", raw / "batch_*.parquet", None, incremental_lookback_days=3)
    load_duck_batch(raw, 0, recent)
    wh.run(SELECT)
    load_duck_batch(raw, 1, old)
    with_check = SELECT + ["assert_incremental_events_complete", "--indirect-selection", "cautious",
                           "--exclude", "test_type:generic", "test_type:unit"]
    result = wh.build(with_check)
    assert result.ok and "WARN=0" in result.output and "ERROR=0" in result.output
    assert_same(wh, *full_refresh_frames(tmp_path / "full", raw / "batch_*.parquet"))


@pytest.mark.parametrize("seed, shuffle, lookback", [(21, False, 70), (22, True, 400), (23, True, 3)])
def test_postgres_incremental_runs_equal_a_full_refresh(postgres_cluster, tmp_path, seed, shuffle, lookback):
    batches = make_batches(seed, n_batches=4 if not shuffle else 3, shuffle=shuffle, max_delay=1)
    incremental = pg_database_warehouse(postgres_cluster, f"incremental_check_{seed}", tmp_path / "inc",
                                        raw_schema="raw_incremental", incremental_lookback_days=lookback)
    conn = psycopg2.connect(**incremental.connect_kwargs())
    conn.autocommit = True
    cur = conn.cursor()
    cur.execute("create schema raw_incremental")
    cur.execute("create table raw_incremental.events (event_id text, customer_id text, event_type text, "
                "occurred_at timestamp, order_id text, revenue double precision)")
    for batch in batches:
        rows = [tuple(None if pd.isna(v) else v for v in row)
                for row in batch[COLUMNS].astype(object).itertuples(index=False)]
        execute_values(cur, "insert into raw_incremental.events values %s", rows)
        incremental.run(SELECT)
    conn.close()
    got_events, got_orders = loaded_events(incremental), incremental.query(ORDERS_SQL)
    incremental.run(SELECT)  # re-running the same batch changes nothing
    assert_same_table(loaded_events(incremental), got_events, ["event_id"], "idempotent events")
    assert_same_table(incremental.query(ORDERS_SQL), got_orders, ["order_id"], "idempotent orders")
    incremental.run(SELECT + ["--full-refresh"])
    assert_same_table(got_events, loaded_events(incremental), ["event_id"], "int_events_loaded")
    assert_same_table(got_orders, incremental.query(ORDERS_SQL), ["order_id"], "int_orders_netted")


RELEASED_TABLES = {
    "intermediate.int_orders_netted": ["order_id"],
    "marts.customer_facts": ["customer_id"],
    "marts.customer_segment_history": ["period_end", "customer_id", "dimension"],
    "marts.segment_transitions": ["period_end", "customer_id", "dimension"],
    "marts.segment_migrations": ["period_end", "dimension", "from_segment", "to_segment"],
}


def test_released_rows_reach_every_mart_on_the_next_plain_build(tmp_path):
    """Customers missing from the customers file have their events quarantined
    (unknown_customer). When the file gains them, their old events (far
    outside a 3-day lookback) are released: a plain build loads them, nets
    their orders and rebuilds the history periods they touch, equal to a
    full refresh on the same files."""
    raw = tmp_path / "raw"
    raw.mkdir()
    events_path, customers, late_customers, release = write_release_scenario(raw)

    wh = duck_warehouse(tmp_path / "incremental", events_path, customers, incremental_lookback_days=3)
    wh.run()
    held = wh.query("select count(*) as n from quarantine.quarantined_events where quarantine_reason = 'unknown_customer'")
    raw_events = pd.read_parquet(events_path)
    assert held.n[0] == (raw_events.customer_id.isin(late_customers)).sum() > 0

    release()  # the customers arrive
    wh.run()
    full = duck_warehouse(tmp_path / "full", events_path, customers, incremental_lookback_days=3)
    full.run(["--full-refresh"])

    facts = wh.query("select customer_id, order_count from marts.customer_facts")
    assert set(late_customers) <= set(facts[facts.order_count > 0].customer_id)
    assert_same_table(loaded_events(wh), loaded_events(full), ["event_id"], "int_events_loaded")
    for name, keys in RELEASED_TABLES.items():
        assert_same_table(wh.query(f"select * from {name}"), full.query(f"select * from {name}"), keys,
                          f"released rows: {name}", rtol=1e-12)
