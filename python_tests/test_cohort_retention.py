"""marts.cohort_retention on the demo data: every row and column equals an
independent pandas computation from the raw events, on DuckDB and on
PostgreSQL, and PostgreSQL equals DuckDB."""

from __future__ import annotations

import pandas as pd

import reference as ref
from compare import assert_same_table

KEYS = ["cohort_month", "months_since_first_purchase"]
COUNTS = ["months_since_first_purchase", "cohort_size", "active_customers"]
FLOATS = ["retention_rate", "revenue_per_customer", "cumulative_revenue_per_customer"]
COLUMNS = [
    "cohort_month", "months_since_first_purchase", "cohort_size", "active_customers", "retention_rate",
    "revenue", "revenue_per_customer", "cumulative_revenue_per_customer", "is_complete_month", "as_of_date",
]


# ----------------------------------------------------------------------------- reference

def month_index(timestamps: pd.Series) -> pd.Series:
    """Calendar months since year 0: consecutive months differ by exactly 1."""
    return timestamps.dt.year * 12 + (timestamps.dt.month - 1)


def reference_cohorts(clean: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """The documented rule, computed in pandas: cohorts by the month of the first
    purchase (order not fully refunded), one row per month through the as-of month."""
    orders = ref.orders(clean, as_of)
    purchases = orders.loc[~orders["fully_refunded"], ["customer_id", "occurred_at", "net"]].copy()
    purchases["month"] = month_index(purchases["occurred_at"])
    purchases["cohort"] = purchases.groupby("customer_id")["month"].transform("min")
    purchases["offset"] = purchases["month"] - purchases["cohort"]

    sizes = purchases.groupby("cohort")["customer_id"].nunique().rename("cohort_size")
    activity = purchases.groupby(["cohort", "offset"]).agg(
        active_customers=("customer_id", "nunique"), revenue_cents=("net", "sum"))

    as_of_month = as_of.year * 12 + (as_of.month - 1)
    as_of_month_complete = (as_of + pd.Timedelta(days=1)).month != as_of.month
    rows = []
    for cohort, size in sizes.items():
        cumulative = 0
        for offset in range(as_of_month - cohort + 1):
            active, cents = 0, 0
            if (cohort, offset) in activity.index:
                active = int(activity.loc[(cohort, offset), "active_customers"])
                cents = int(activity.loc[(cohort, offset), "revenue_cents"])
            cumulative += cents
            rows.append({
                "cohort_month": pd.Timestamp(year=cohort // 12, month=cohort % 12 + 1, day=1).date(),
                "months_since_first_purchase": offset,
                "cohort_size": int(size),
                "active_customers": active,
                "retention_rate": active / size,
                "revenue": cents / 100.0,
                "revenue_per_customer": cents / 100.0 / size,
                "cumulative_revenue_per_customer": cumulative / 100.0 / size,
                "is_complete_month": cohort + offset < as_of_month or as_of_month_complete,
                "as_of_date": as_of.date(),
            })
    return pd.DataFrame(rows)[COLUMNS]


# ----------------------------------------------------------------------------- comparison

def assert_same(got: pd.DataFrame, expected: pd.DataFrame, rtol: float, atol: float, label: str):
    """Every row and column equal (floats within tolerance); revenue to the cent, and no NULL rates."""
    assert not got[FLOATS].isna().any().any(), f"{label}: NULL rates"
    got_cents = sorted(round(float(v) * 100) for v in got["revenue"])
    expected_cents = sorted(round(float(v) * 100) for v in expected["revenue"])
    assert got_cents == expected_cents, f"{label}: revenue in cents"
    assert_same_table(got, expected, KEYS, label, rtol=rtol, atol=atol)


def read_cohorts(warehouse) -> pd.DataFrame:
    got = warehouse.query("select * from marts.cohort_retention")
    assert list(got.columns) == COLUMNS
    return got


# ----------------------------------------------------------------------------- tests

def test_reference_has_gaps_and_many_cohorts(demo_clean):
    """The demo data exercises more than month 0: many cohorts and months in which
    only part of a cohort bought (months with nobody active are pinned by the
    dbt unit tests)."""
    expected = reference_cohorts(*demo_clean)
    assert expected["cohort_month"].nunique() >= 12
    later = expected[expected["months_since_first_purchase"] > 0]
    assert (later["active_customers"] < later["cohort_size"]).any()
    assert (expected.loc[expected["months_since_first_purchase"] == 0, "retention_rate"] == 1).all()


def test_cohort_retention_equals_reference_on_duckdb(duck_demo, demo_clean):
    expected = reference_cohorts(*demo_clean)
    assert_same(read_cohorts(duck_demo), expected, rtol=1e-12, atol=1e-9, label="duckdb vs reference")


def test_cohort_retention_equals_reference_on_postgres(pg_demo, demo_clean):
    expected = reference_cohorts(*demo_clean)
    assert_same(read_cohorts(pg_demo), expected, rtol=1e-12, atol=1e-9, label="postgres vs reference")


def test_cohort_retention_postgres_equals_duckdb(duck_demo, pg_demo):
    assert_same(read_cohorts(pg_demo), read_cohorts(duck_demo), rtol=1e-12, atol=1e-12,
                label="postgres vs duckdb")


def test_cohort_sizes_add_up_to_buyers(duck_demo):
    totals = duck_demo.query(
        "select"
        " (select sum(cohort_size) from marts.cohort_retention where months_since_first_purchase = 0) as sizes,"
        " (select count(*) from marts.customer_facts where order_count > 0) as buyers"
    )
    assert int(totals["sizes"][0]) == int(totals["buyers"][0])
