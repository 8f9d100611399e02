"""Segment history on the demo data, on DuckDB and on PostgreSQL.

- History matches rebuilds: the rows of customer_segment_history for a period P
  equal customer_segments (every dimension, and customer_facts' net revenue)
  of a separate build with as_of_date = P.
- Incremental by period equals a full build: a warehouse built as of an early
  date, then a mid-month date, then later dates, ends with exactly the history,
  migrations and transitions of one full build; running again changes nothing.
- segment_migrations and segment_transitions equal a pandas pairing of
  consecutive periods of history; period revenue equals the reference orders.
- Weekly periods obey the same rebuild property.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pandas as pd
import pytest

import reference as ref
from compare import assert_same_table
from conftest import DuckWarehouse, PgWarehouse, duck_warehouse

# every dimension of customer_segments is in history: the dimensions of the seed segment_definitions
DIMENSIONS = list(pd.read_csv(Path(__file__).resolve().parents[1] / "seeds" / "segment_definitions.csv")
                  ["dimension"].unique())
HISTORY_MODELS = ["--select", "+customer_segments", "+customer_facts", "+segment_migrations", "+segment_transitions"]
KEYS = ["customer_id", "dimension"]


# ----------------------------------------------------------------------------- helpers

def history_periods(wh) -> pd.DataFrame:
    frame = wh.query("select period_start, period_end, previous_period_end from intermediate.int_history_periods")
    for column in frame.columns:
        frame[column] = pd.to_datetime(frame[column])
    return frame.sort_values("period_end").reset_index(drop=True)


def history_at(wh, period_end: pd.Timestamp) -> pd.DataFrame:
    return wh.query(f"""
        select customer_id, dimension, segment, lifetime_net_revenue
        from marts.customer_segment_history
        where period_end = cast('{period_end.date()}' as date)""")


def segments_now(wh) -> pd.DataFrame:
    """customer_segments of a build, in the long form of history."""
    wide = wh.query(f"""
        select s.customer_id, {', '.join('s.' + d for d in DIMENSIONS)}, f.net_revenue as lifetime_net_revenue
        from marts.customer_segments as s
        inner join marts.customer_facts as f on s.customer_id = f.customer_id""")
    long = wide.melt(id_vars=["customer_id", "lifetime_net_revenue"], value_vars=DIMENSIONS,
                     var_name="dimension", value_name="segment")
    return long[["customer_id", "dimension", "segment", "lifetime_net_revenue"]]


def assert_history_equals_rebuild(history_wh, rebuilt_wh, period_end: pd.Timestamp, label: str) -> None:
    as_of = rebuilt_wh.query("select max(as_of_date) as as_of_date from marts.customer_segments")["as_of_date"][0]
    assert pd.Timestamp(as_of) == period_end, f"{label}: rebuild is as of {as_of}"
    got = history_at(history_wh, period_end)
    assert len(got) > 0, f"{label}: no history rows for {period_end.date()}"
    assert_same_table(got, segments_now(rebuilt_wh), KEYS, f"{label} {period_end.date()}")


def table(wh, name: str, keys: list[str]) -> pd.DataFrame:
    return wh.query(f"select * from marts.{name}").sort_values(keys).reset_index(drop=True)


TABLE_KEYS = {
    "customer_segment_history": ["period_end", "customer_id", "dimension"],
    "segment_migrations": ["period_end", "dimension", "from_segment", "to_segment"],
    "segment_transitions": ["period_end", "customer_id", "dimension"],
}


def assert_same_history_tables(got_wh, expected_wh, label: str) -> None:
    for name, keys in TABLE_KEYS.items():
        assert_same_table(table(got_wh, name, keys), table(expected_wh, name, keys), keys, f"{label}: {name}")


def reference_migrations(history: pd.DataFrame, periods: pd.DataFrame):
    """Pair every customer and dimension with the previous period in pandas."""
    history = history.assign(period_end=pd.to_datetime(history["period_end"]))
    history["period_net_revenue"] = history["period_net_revenue"].astype(float)
    pairs = []
    for period in periods.itertuples():
        current = history[history["period_end"] == period.period_end]
        previous = history[history["period_end"] == period.previous_period_end]
        merged = current[["customer_id", "dimension", "segment", "period_net_revenue"]].merge(
            previous[["customer_id", "dimension", "segment"]], on=KEYS, how="outer", suffixes=("_to", "_from"))
        merged["period_start"] = period.period_start
        merged["period_end"] = period.period_end
        merged["previous_period_end"] = period.previous_period_end
        merged["migration_type"] = "move"
        merged.loc[merged["segment_from"] == merged["segment_to"], "migration_type"] = "stay"
        merged.loc[merged["segment_from"].isna(), "migration_type"] = "entry"
        merged.loc[merged["segment_to"].isna(), "migration_type"] = "exit"
        merged["from_segment"] = merged["segment_from"].fillna("(none)")
        merged["to_segment"] = merged["segment_to"].fillna("(none)")
        merged["period_net_revenue"] = merged["period_net_revenue"].fillna(0.0)
        pairs.append(merged)
    pairs = pd.concat(pairs, ignore_index=True)
    migrations = (pairs.groupby(["period_start", "period_end", "previous_period_end", "dimension", "from_segment",
                                 "to_segment", "migration_type"], dropna=False)
                  .agg(customers=("customer_id", "size"), period_net_revenue=("period_net_revenue", "sum"))
                  .reset_index())
    transitions = pairs.loc[pairs["migration_type"] != "stay", [
        "customer_id", "dimension", "period_start", "period_end", "previous_period_end", "from_segment",
        "to_segment", "migration_type", "period_net_revenue"]]
    return migrations, transitions


def assert_migrations_follow_history(wh, label: str) -> None:
    periods = history_periods(wh)
    migrations, transitions = reference_migrations(wh.query("select * from marts.customer_segment_history"), periods)
    got = table(wh, "segment_migrations", TABLE_KEYS["segment_migrations"])
    assert_same_table(got, migrations[got.columns], TABLE_KEYS["segment_migrations"], f"{label}: migrations",
                      atol=1e-6)
    got = table(wh, "segment_transitions", TABLE_KEYS["segment_transitions"])
    assert_same_table(got, transitions[got.columns], TABLE_KEYS["segment_transitions"], f"{label}: transitions",
                      atol=1e-6)
    assert (got["migration_type"] == "move").sum() > 0, f"{label}: nobody ever changed segment"


# ----------------------------------------------------------------------------- DuckDB

def test_duckdb_history_equals_rebuilds_and_incremental_equals_full(duck_demo, demo_data, tmp_path):
    periods = history_periods(duck_demo)
    assert len(periods) >= 12, "the demo should span at least a year of months"
    early, middle, late = periods.iloc[1], periods.iloc[len(periods) // 2], periods.iloc[-2]
    mid_month = middle.period_start + pd.Timedelta(days=14)

    wh = duck_warehouse(tmp_path / "rebuilds", demo_data / "events.parquet", demo_data / "customers.parquet")
    for as_of in [early.period_end, mid_month, middle.period_end, late.period_end]:
        wh.run(HISTORY_MODELS, vars={"as_of_date": str(as_of.date())})
        if as_of != mid_month:
            assert_history_equals_rebuild(duck_demo, wh, as_of, "duckdb")
        else:
            built = history_periods(wh)["period_end"].max()
            assert built == middle.previous_period_end, f"mid-month as-of built history to {built}"

    # Then incrementally up to the default as-of date: the same as one full build, twice.
    for attempt in ("incremental", "re-run"):
        wh.run(HISTORY_MODELS)
        assert_same_history_tables(wh, duck_demo, f"duckdb {attempt}")


def test_duckdb_migrations_and_transitions_follow_history(duck_demo):
    assert_migrations_follow_history(duck_demo, "duckdb")


def test_history_revenue_equals_reference(duck_demo, demo_clean):
    clean, _ = demo_clean
    periods = history_periods(duck_demo)
    for period in periods.iloc[[0, len(periods) // 2, -1]].itertuples():
        orders = ref.orders(clean, period.period_end)
        purchases = orders[~orders["fully_refunded"]]
        in_period = purchases[purchases["occurred_at"].dt.normalize() >= period.period_start]
        got = duck_demo.query(f"""
            select customer_id, period_net_revenue, lifetime_net_revenue from marts.customer_segment_history
            where dimension = 'lifecycle' and period_end = cast('{period.period_end.date()}' as date)""")
        got = got.set_index("customer_id").astype(float)
        lifetime = purchases.groupby("customer_id")["net"].sum().div(100.0)
        period_revenue = in_period.groupby("customer_id")["net"].sum().div(100.0)
        expected_lifetime = lifetime.reindex(got.index).fillna(0.0)
        expected_period = period_revenue.reindex(got.index).fillna(0.0)
        assert set(lifetime.index) <= set(got.index), "a buyer is missing from history"
        pd.testing.assert_series_equal(got["lifetime_net_revenue"], expected_lifetime, check_names=False, atol=1e-9)
        pd.testing.assert_series_equal(got["period_net_revenue"], expected_period, check_names=False, atol=1e-9)


def test_weekly_history_equals_rebuild(demo_data, tmp_path):
    wh = duck_warehouse(tmp_path / "weekly", demo_data / "events.parquet", demo_data / "customers.parquet",
                        history_period="week")
    wh.run(["--select", "+customer_segment_history"])
    periods = history_periods(wh)
    assert (periods["period_start"].dt.day_of_week == 0).all() and (periods["period_end"].dt.day_of_week == 6).all()
    assert ((periods["period_end"] - periods["period_start"]).dt.days == 6).all()
    week_end = periods["period_end"].iloc[len(periods) // 3]

    rebuilt = DuckWarehouse(path=tmp_path / "weekly_rebuild.duckdb", workdir=tmp_path / "weekly_rebuild",
                            vars={**wh.vars, "as_of_date": str(week_end.date())})
    rebuilt.run(["--select", "+customer_segments", "+customer_facts"])
    assert_history_equals_rebuild(wh, rebuilt, week_end, "duckdb weekly")


# ----------------------------------------------------------------------------- PostgreSQL

@pytest.fixture(scope="module")
def pg_rebuild(postgres_cluster, demo_data, tmp_path_factory) -> PgWarehouse:
    """A second database in the test cluster with the same raw data, for rebuilds."""
    import psycopg2

    from segwh.generate import load_postgres

    conn = psycopg2.connect(**postgres_cluster.dsn())
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("drop database if exists history_rebuild")
        cur.execute("create database history_rebuild")
    conn.close()
    cluster = dataclasses.replace(postgres_cluster, database="history_rebuild")
    load_postgres(demo_data, cluster.dsn(), schema="raw")
    return PgWarehouse(cluster, tmp_path_factory.mktemp("pg_history"))


def test_postgres_history_equals_rebuilds_and_incremental_equals_full(pg_demo, pg_rebuild):
    periods = history_periods(pg_demo)
    for period in periods.iloc[[2, -3]].itertuples():
        pg_rebuild.run(HISTORY_MODELS, vars={"as_of_date": str(period.period_end.date())})
        assert_history_equals_rebuild(pg_demo, pg_rebuild, period.period_end, "postgres")
    pg_rebuild.run(HISTORY_MODELS)
    assert_same_history_tables(pg_rebuild, pg_demo, "postgres incremental")


def test_postgres_migrations_and_transitions_follow_history(pg_demo):
    assert_migrations_follow_history(pg_demo, "postgres")


def test_history_is_the_same_on_both_engines(duck_demo, pg_demo):
    assert_same_history_tables(pg_demo, duck_demo, "postgres vs duckdb")


# ----------------------------------------------------------------------------- point in time

AS_OF_MARTS = [
    "customer_facts", "customer_rfm", "customer_segments", "segment_memberships", "segment_summary",
    "cohort_retention", "cart_abandonment_audience", "product_affinity", "campaign_lift",
    "campaign_pre_assignment_segments", "customer_segment_history", "segment_migrations", "segment_transitions",
    "segment_audience_exports", "clv_model_parameters", "customer_lifetime_value",
]


def test_build_as_of_a_date_equals_a_build_on_the_data_known_then(demo_data, tmp_path):
    """Point-in-time correctness: building with as_of_date = D on all the data
    gives, in every mart, exactly what a build on the events up to D gives: no
    later event, refund, customer or consent record leaks into facts, scores,
    cut points, ranks, audiences or history."""
    events = pd.read_parquet(demo_data / "events.parquet")
    occurred = pd.to_datetime(events["occurred_at"], utc=True).dt.tz_localize(None)
    as_of = occurred.max().normalize() - pd.Timedelta(days=200)
    known_then = tmp_path / "events_known_then.parquet"
    events[occurred < as_of + pd.Timedelta(days=1)].to_parquet(known_then, index=False)
    assert len(pd.read_parquet(known_then)) < len(events)
    consents = pd.read_parquet(demo_data / "consents.parquet")
    consents_known_then = tmp_path / "consents_known_then.parquet"
    consents[consents["recorded_at"] < as_of + pd.Timedelta(days=1)].to_parquet(consents_known_then, index=False)

    vars = {"as_of_date": str(as_of.date())}
    everything = duck_warehouse(tmp_path / "everything", demo_data / "events.parquet",
                                demo_data / "customers.parquet", demo_data / "consents.parquet", **vars)
    truncated = duck_warehouse(tmp_path / "truncated", known_then, demo_data / "customers.parquet",
                               consents_known_then, **vars)
    for wh in (everything, truncated):
        wh.run()
    for mart in AS_OF_MARTS:
        got, expected = everything.query(f"select * from marts.{mart}"), truncated.query(f"select * from marts.{mart}")
        assert len(got) > 0, mart
        assert_same_table(got, expected, list(got.columns), f"as of {as_of.date()}: {mart}", rtol=1e-12)
