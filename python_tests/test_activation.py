"""The activation marts, cart_abandonment_audience and product_affinity, against
an independent pandas computation from the raw demo events, on DuckDB (default
vars and a second set of vars with an earlier as-of date) and on PostgreSQL,
which must give identical tables.

The reference is written from the documented rules (the model YAML), not from
the SQL: pandas over the cleaned raw events (reference.clean_events) and the
netted orders (reference.orders)."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
import yaml

import reference as ref
from compare import assert_same_table
from conftest import PROJECT_DIR, DuckWarehouse

CART_EVENT_TYPES = ["add_to_cart", "checkout_started"]
CART_KEYS = ["customer_id", "cart_id"]
AFFINITY_KEYS = ["product_x", "product_y"]
CART_COLUMNS = [
    "cart_id", "customer_id", "cart_started_at", "cart_last_activity_at", "cart_event_count",
    "reached_checkout", "products", "top_category", "hours_since_last_activity", "as_of_date",
]
AFFINITY_COLUMNS = [
    "product_x", "category_x", "product_y", "category_y", "customers_x", "customers_y", "customers_both",
    "support", "confidence", "lift", "rank_within_product_x", "as_of_date",
]
# A second configuration: an earlier as-of date, a longer window and lookback, a lower threshold.
VARIANT_VARS = {
    "as_of_date": "2026-06-30",
    "cart_abandonment_hours": 48,
    "cart_abandonment_lookback_days": 30,
    "affinity_min_customers": 3,
}


def project_vars() -> dict:
    with open(PROJECT_DIR / "dbt_project.yml") as fh:
        return yaml.safe_load(fh)["vars"]


# ----------------------------------------------------------------------------- reference

def observed_events(clean: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    ev = ref.observed(clean, as_of).copy()
    ev["category"] = ev["category"].str.lower()  # staging lower-cases categories
    return ev


def expected_cart_audience(clean: pd.DataFrame, as_of: pd.Timestamp, hours: int, lookback_days: int) -> pd.DataFrame:
    """Abandoned carts: cart events grouped per customer and session (a sessionless
    event is its own cart), no order line of the customer from the last cart
    event to `hours` after it (both included), the window closed by the end of
    the as-of date, the last cart event on one of the `lookback_days` days
    ending with the as-of date."""
    ev = observed_events(clean, as_of)
    cart = ev[ev["event_type"].isin(CART_EVENT_TYPES)].copy()
    cart["sessionless"] = cart["session_id"].isna()
    cart["cart_id"] = cart["session_id"].where(~cart["sessionless"], cart["event_id"])
    cart["is_checkout"] = cart["event_type"] == "checkout_started"
    keys = ["customer_id", "cart_id", "sessionless"]

    carts = cart.groupby(keys).agg(
        cart_started_at=("occurred_at", "min"),
        cart_last_activity_at=("occurred_at", "max"),
        cart_event_count=("event_id", "size"),
        reached_checkout=("is_checkout", "any"),
    )
    added = cart[cart["event_type"] == "add_to_cart"]
    carts["products"] = added.groupby(keys)["product_id"].nunique().reindex(carts.index).fillna(0).astype("int64")
    categories = (cart[cart["category"].notna()].groupby([*keys, "category"]).size().rename("n").reset_index()
                  .sort_values([*keys, "n", "category"], ascending=[True, True, True, False, True])
                  .drop_duplicates(keys).set_index(keys)["category"])
    carts["top_category"] = categories.reindex(carts.index)
    carts = carts.reset_index()

    window = pd.Timedelta(hours=hours)
    as_of_end = as_of + pd.Timedelta(days=1)
    first_day = as_of - pd.Timedelta(days=lookback_days - 1)
    judged = carts[(carts["cart_last_activity_at"] + window <= as_of_end)
                   & (carts["cart_last_activity_at"].dt.normalize() >= first_day)]

    order_lines = ev[(ev["event_type"] == "order_completed") & ev["order_id"].notna()]
    candidates = judged[keys + ["cart_last_activity_at"]].merge(
        order_lines[["customer_id", "occurred_at"]], on="customer_id")
    saving = candidates[(candidates["occurred_at"] >= candidates["cart_last_activity_at"])
                        & (candidates["occurred_at"] <= candidates["cart_last_activity_at"] + window)]
    saved = set(map(tuple, saving[keys].to_numpy()))
    abandoned = judged[[tuple(k) not in saved for k in judged[keys].to_numpy()]].copy()

    micros = (as_of_end - abandoned["cart_last_activity_at"]) // pd.Timedelta(microseconds=1)
    abandoned["hours_since_last_activity"] = micros.astype("float64") / 3_600_000_000
    abandoned["as_of_date"] = as_of
    return abandoned[CART_COLUMNS].reset_index(drop=True)


def expected_product_affinity(clean: pd.DataFrame, as_of: pd.Timestamp, min_customers: int) -> pd.DataFrame:
    """Customer-level co-purchase of ordered product pairs from purchases (orders
    not fully refunded), each ratio one division of exact integers."""
    ev = observed_events(clean, as_of)
    orders = ref.orders(clean, as_of)
    purchases = orders[~orders["fully_refunded"]][["order_id", "customer_id"]]
    lines = ev[(ev["event_type"] == "order_completed") & ev["order_id"].notna() & ev["product_id"].notna()]
    bought = lines[["order_id", "product_id"]].merge(purchases, on="order_id")[["customer_id", "product_id"]]
    bought = bought.drop_duplicates()
    buying_customers = purchases["customer_id"].nunique()
    buyers = bought.groupby("product_id").size()

    pairs = bought.merge(bought, on="customer_id", suffixes=("_x", "_y"))
    pairs = pairs[pairs["product_id_x"] != pairs["product_id_y"]]
    out = (pairs.groupby(["product_id_x", "product_id_y"]).size().rename("customers_both").reset_index()
           .rename(columns={"product_id_x": "product_x", "product_id_y": "product_y"}))
    out = out[out["customers_both"] >= min_customers].copy()
    out["customers_x"] = out["product_x"].map(buyers).astype("int64")
    out["customers_y"] = out["product_y"].map(buyers).astype("int64")
    both = out["customers_both"].astype("int64")
    out["support"] = both / buying_customers
    out["confidence"] = both / out["customers_x"]
    out["lift"] = (both * buying_customers) / (out["customers_x"] * out["customers_y"])

    out = out.sort_values(["product_x", "lift", "confidence", "product_y"], ascending=[True, False, False, True])
    out["rank_within_product_x"] = out.groupby("product_x").cumcount() + 1

    categories = ev[ev["product_id"].notna() & ev["category"].notna()].groupby("product_id")["category"].min()
    out["category_x"] = out["product_x"].map(categories)
    out["category_y"] = out["product_y"].map(categories)
    out["as_of_date"] = as_of
    return out[AFFINITY_COLUMNS].reset_index(drop=True)


# ----------------------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def duck_variant(duck_demo, tmp_path_factory) -> DuckWarehouse:
    """A copy of the demo warehouse with the activation marts (and everything
    they read) rebuilt and tested under VARIANT_VARS."""
    workdir = tmp_path_factory.mktemp("duck_activation_variant")
    shutil.copyfile(duck_demo.path, workdir / "warehouse.duckdb")
    wh = DuckWarehouse(path=workdir / "warehouse.duckdb", workdir=workdir, vars={**duck_demo.vars, **VARIANT_VARS})
    wh.build(["--select", "+cart_abandonment_audience", "+product_affinity", "--indirect-selection", "cautious"])
    return wh


# ----------------------------------------------------------------------------- tests

def test_vars_used_by_the_tests_are_the_documented_defaults():
    defaults = project_vars()
    assert defaults["cart_abandonment_hours"] == 24
    assert defaults["cart_abandonment_lookback_days"] == 7
    assert defaults["affinity_min_customers"] == 5


def test_demo_cart_abandonment_audience_equals_reference(duck_demo, demo_clean):
    clean, as_of = demo_clean
    defaults = project_vars()
    expected = expected_cart_audience(clean, as_of, defaults["cart_abandonment_hours"],
                                      defaults["cart_abandonment_lookback_days"])
    got = duck_demo.query("select * from marts.cart_abandonment_audience")
    assert len(expected) > 10, "the demo must have abandoned carts to compare"
    assert expected["reached_checkout"].any() and not expected["reached_checkout"].all()
    assert_same_table(got, expected, CART_KEYS, "cart_abandonment_audience")


def test_demo_product_affinity_equals_reference(duck_demo, demo_clean):
    clean, as_of = demo_clean
    expected = expected_product_affinity(clean, as_of, project_vars()["affinity_min_customers"])
    got = duck_demo.query("select * from marts.product_affinity")
    assert len(expected) > 100, "the demo must have affinity pairs to compare"
    # Each ratio is one correctly rounded division of the same integers: exactly equal.
    assert_same_table(got, expected, AFFINITY_KEYS, "product_affinity")


def test_variant_vars_cart_abandonment_audience_equals_reference(duck_variant, demo_clean):
    clean, _ = demo_clean
    as_of = pd.Timestamp(VARIANT_VARS["as_of_date"])
    expected = expected_cart_audience(clean, as_of, VARIANT_VARS["cart_abandonment_hours"],
                                      VARIANT_VARS["cart_abandonment_lookback_days"])
    got = duck_variant.query("select * from marts.cart_abandonment_audience")
    assert len(expected) > 10
    assert_same_table(got, expected, CART_KEYS, "cart_abandonment_audience (variant vars)")


def test_variant_vars_product_affinity_equals_reference(duck_variant, demo_clean):
    clean, _ = demo_clean
    as_of = pd.Timestamp(VARIANT_VARS["as_of_date"])
    expected = expected_product_affinity(clean, as_of, VARIANT_VARS["affinity_min_customers"])
    got = duck_variant.query("select * from marts.product_affinity")
    assert len(expected) > 100
    assert_same_table(got, expected, AFFINITY_KEYS, "product_affinity (variant vars)")


def test_demo_product_affinity_is_symmetric(duck_demo):
    """customers_both and support do not depend on the direction of the pair."""
    pairs = duck_demo.query("select product_x, product_y, customers_both, support from marts.product_affinity")
    mirrored = pairs.rename(columns={"product_x": "product_y", "product_y": "product_x"})
    joined = pairs.merge(mirrored, on=["product_x", "product_y"], how="outer", suffixes=("", "_mirror"),
                         indicator=True)
    assert (joined["_merge"] == "both").all()
    assert (joined["customers_both"] == joined["customers_both_mirror"]).all()
    assert (joined["support"] == joined["support_mirror"]).all()


@pytest.mark.parametrize("mart,keys", [
    ("cart_abandonment_audience", CART_KEYS),
    ("product_affinity", AFFINITY_KEYS),
])
def test_duckdb_and_postgres_activation_marts_are_identical(duck_demo, pg_demo, mart, keys):
    duck = duck_demo.query(f"select * from marts.{mart}")
    pg = pg_demo.query(f"select * from marts.{mart}")
    assert len(duck) > 0
    assert_same_table(pg, duck, keys, f"{mart} (postgres vs duckdb)")
