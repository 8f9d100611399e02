"""The activation marts, cart_abandonment_audience, segment_audience_exports and
product_affinity, against an independent pandas computation from the raw demo
files, on DuckDB (default vars and a second set of vars with an earlier as-of
date, another consent channel and messy emails) and on PostgreSQL: the consent
in force, the hashed emails and both audiences equal the reference on both
engines, and the two engines give identical tables.

The reference is written from the documented rules (the model YAML), not from
the SQL: pandas over the cleaned raw events (reference.clean_events), the
netted orders (reference.orders) and the raw consent records (the latest by
the end of the as-of date, opt_out winning a tie); emails are hashed with
Python's hashlib: sha256(salt + lower(trim(email)))."""

from __future__ import annotations

import hashlib
import shutil

import pandas as pd
import pytest
import yaml

import reference as ref
from compare import assert_same_table
from conftest import ACTIVATION_SALT, PROJECT_DIR, DuckWarehouse

CART_EVENT_TYPES = ["add_to_cart", "checkout_started"]
CART_KEYS = ["customer_id", "cart_id"]
AFFINITY_KEYS = ["product_x", "product_y"]
CART_COLUMNS = [
    "cart_id", "customer_id", "cart_started_at", "cart_last_activity_at", "cart_event_count",
    "reached_checkout", "products", "top_category", "hours_since_last_activity", "as_of_date", "email_hash",
]
EXPORT_KEYS = ["customer_id", "dimension", "channel"]
EXPORT_COLUMNS = ["customer_id", "dimension", "segment", "channel", "consent_recorded_at", "email_hash", "as_of_date"]
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
    "cart_abandonment_channel": "sms",
}


def project_vars() -> dict:
    with open(PROJECT_DIR / "dbt_project.yml") as fh:
        return yaml.safe_load(fh)["vars"]


# ----------------------------------------------------------------------------- reference

def observed_events(clean: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    ev = ref.observed(clean, as_of).copy()
    ev["category"] = ev["category"].str.lower()  # staging lower-cases categories
    return ev


def consents_in_force(consents: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """Per customer and channel, the consent record in force at the end of the
    as-of date: the latest one recorded before midnight after it; of records at
    that same instant the opt_out. Channel and status trimmed and lower-cased."""
    c = consents.copy()
    c["customer_id"] = c["customer_id"].str.strip()
    c["channel"] = c["channel"].str.strip().str.lower()
    c["consent_status"] = c["consent_status"].str.strip().str.lower()
    c = c.dropna(subset=["customer_id", "channel", "consent_status", "recorded_at"])
    c = c[c["recorded_at"] < as_of + pd.Timedelta(days=1)].copy()
    c["is_opt_out"] = c["consent_status"] == "opt_out"
    c = c.sort_values(["customer_id", "channel", "recorded_at", "is_opt_out"], kind="mergesort")
    latest = c.drop_duplicates(["customer_id", "channel"], keep="last")
    latest = latest.assign(is_consenting=latest["consent_status"] == "opt_in")
    return latest[["customer_id", "channel", "consent_status", "is_consenting", "recorded_at"]].reset_index(drop=True)


def consenting_customers(consents: pd.DataFrame, as_of: pd.Timestamp, channel: str) -> set[str]:
    state = consents_in_force(consents, as_of)
    return set(state.loc[(state["channel"] == channel) & state["is_consenting"], "customer_id"])


def salted_email_hash(email) -> str | None:
    """sha256(salt || lower(trim(email))) in hex; None without an email."""
    if email is None or pd.isna(email):
        return None
    normalized = str(email).strip(" ").lower()
    if normalized == "":
        return None
    return hashlib.sha256((ACTIVATION_SALT + normalized).encode("utf-8")).hexdigest()


def email_hashes(customers: pd.DataFrame) -> dict[str, str | None]:
    return {cid.strip(): salted_email_hash(email) for cid, email in zip(customers["customer_id"], customers["email"])}


def expected_cart_audience(clean: pd.DataFrame, as_of: pd.Timestamp, hours: int, lookback_days: int,
                           consenting: set[str] | None = None, hashes: dict | None = None) -> pd.DataFrame:
    """Abandoned carts: cart events grouped per customer and session (a sessionless
    event is its own cart), no order line of the customer from the last cart
    event to `hours` after it (both included), the window closed by the end of
    the as-of date, the last cart event on one of the `lookback_days` days
    ending with the as-of date. With `consenting`, only those customers' carts
    (None: every customer's, the audience before consent is applied)."""
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
    if consenting is not None:
        abandoned = abandoned[abandoned["customer_id"].isin(consenting)].copy()
    abandoned["email_hash"] = abandoned["customer_id"].map(hashes or {}).astype(object)
    abandoned["email_hash"] = abandoned["email_hash"].where(abandoned["email_hash"].notna(), None)
    return abandoned[CART_COLUMNS].reset_index(drop=True)


def expected_segment_exports(memberships: pd.DataFrame, consents: pd.DataFrame, as_of: pd.Timestamp,
                             hashes: dict) -> pd.DataFrame:
    """Each segment membership once per channel the customer consents on, with
    the time of the opt_in in force; the salted email hash on email rows only."""
    state = consents_in_force(consents, as_of)
    consenting = state[state["is_consenting"]][["customer_id", "channel", "recorded_at"]]
    out = memberships[["customer_id", "dimension", "segment", "as_of_date"]].merge(consenting, on="customer_id")
    out = out.rename(columns={"recorded_at": "consent_recorded_at"})
    email = out["customer_id"].map(hashes).astype(object)
    out["email_hash"] = email.where((out["channel"] == "email") & email.notna(), None)
    return out[EXPORT_COLUMNS].reset_index(drop=True)


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
def demo_consents(demo_data) -> pd.DataFrame:
    return pd.read_parquet(demo_data / "consents.parquet")


@pytest.fixture(scope="module")
def demo_customers(demo_data) -> pd.DataFrame:
    return pd.read_parquet(demo_data / "customers.parquet")


def messy_emails(customers: pd.DataFrame) -> pd.DataFrame:
    """The same customers with emails as people type them: some upper-case with
    surrounding spaces, some empty, some missing."""
    out = customers.copy()
    position = pd.Series(range(len(out)), index=out.index)
    shouting = position % 3 == 0
    out.loc[shouting, "email"] = "  " + out.loc[shouting, "email"].str.upper() + " "
    out.loc[position % 7 == 1, "email"] = ""
    out.loc[position % 11 == 2, "email"] = None
    return out


@pytest.fixture(scope="module")
def variant_customers(demo_customers, tmp_path_factory) -> pd.DataFrame:
    return messy_emails(demo_customers)


@pytest.fixture(scope="module")
def duck_variant(duck_demo, variant_customers, tmp_path_factory) -> DuckWarehouse:
    """A copy of the demo warehouse with the activation marts (and everything
    they read) rebuilt and tested under VARIANT_VARS, with messy emails."""
    workdir = tmp_path_factory.mktemp("duck_activation_variant")
    customers = workdir / "customers_messy_emails.parquet"
    variant_customers.to_parquet(customers, index=False)
    shutil.copyfile(duck_demo.path, workdir / "warehouse.duckdb")
    wh = DuckWarehouse(path=workdir / "warehouse.duckdb", workdir=workdir,
                       vars={**duck_demo.vars, **VARIANT_VARS, "raw_customers_path": str(customers)})
    wh.build(["--select", "+cart_abandonment_audience", "+product_affinity", "--indirect-selection", "cautious"])
    return wh


# ----------------------------------------------------------------------------- tests

def test_vars_used_by_the_tests_are_the_documented_defaults():
    defaults = project_vars()
    assert defaults["cart_abandonment_hours"] == 24
    assert defaults["cart_abandonment_lookback_days"] == 7
    assert defaults["affinity_min_customers"] == 5
    assert defaults["cart_abandonment_channel"] == "email"


def test_demo_consents_hold_the_adversarial_cases(demo_consents, demo_clean):
    """The generated consent records exercise the rule: customers who opted out,
    customers who opted out and back in, opt_in and opt_out at the same instant,
    and records after the as-of date."""
    _, as_of = demo_clean
    per_pair = demo_consents.groupby(["customer_id", "channel"])
    assert (per_pair.size() >= 3).any(), "some customers must change their mind twice"
    same_instant = demo_consents.groupby(["customer_id", "channel", "recorded_at"])["consent_status"].nunique()
    assert (same_instant > 1).sum() >= 5, "opt_in and opt_out recorded at the same instant"
    assert (demo_consents["recorded_at"] >= as_of + pd.Timedelta(days=1)).sum() >= 5, "records after the as-of date"
    assert set(demo_consents["channel"]) == {"email", "sms", "push"}


def test_demo_consent_in_force_equals_reference(demo_warehouse, demo_consents, demo_clean):
    _, as_of = demo_clean
    expected = consents_in_force(demo_consents, as_of).rename(columns={"recorded_at": "consent_recorded_at"})
    expected["as_of_date"] = as_of
    got = demo_warehouse.query("select * from intermediate.int_customer_channel_consents")
    assert_same_table(got, expected, ["customer_id", "channel"], "int_customer_channel_consents")
    # ties decide something on the demo: a customer excluded only because opt_out wins
    ties = demo_consents[demo_consents["recorded_at"] < as_of + pd.Timedelta(days=1)]
    ties = ties.groupby(["customer_id", "channel", "recorded_at"])["consent_status"].nunique()
    tied_latest = ties[ties > 1].reset_index()[["customer_id", "channel", "recorded_at"]]
    decided = tied_latest.merge(expected, left_on=["customer_id", "channel", "recorded_at"],
                                right_on=["customer_id", "channel", "consent_recorded_at"])
    assert len(decided) > 0 and not decided["is_consenting"].any()


def test_demo_email_hashes_are_salted_sha256_of_the_normalized_email(demo_warehouse, demo_customers):
    got = demo_warehouse.query("select customer_id, email_hash from intermediate.int_customer_emails_hashed")
    expected = email_hashes(demo_customers)
    assert len(got) == len(expected)
    assert got["email_hash"].notna().all()
    assert (got["customer_id"].map(expected) == got["email_hash"]).all()
    unsalted = {hashlib.sha256(e.encode()).hexdigest() for e in demo_customers["email"]}
    assert not set(got["email_hash"]) & unsalted, "hashes must be salted"


def test_demo_cart_abandonment_audience_equals_reference(demo_warehouse, demo_clean, demo_consents, demo_customers):
    clean, as_of = demo_clean
    defaults = project_vars()
    hours, lookback = defaults["cart_abandonment_hours"], defaults["cart_abandonment_lookback_days"]
    before_consent = expected_cart_audience(clean, as_of, hours, lookback)
    expected = expected_cart_audience(clean, as_of, hours, lookback,
                                      consenting_customers(demo_consents, as_of, "email"),
                                      email_hashes(demo_customers))
    got = demo_warehouse.query("select * from marts.cart_abandonment_audience")
    print(f"\ncart_abandonment_audience: {len(before_consent)} abandoned carts "
          f"({before_consent['customer_id'].nunique()} customers) before consent, {len(expected)} "
          f"({expected['customer_id'].nunique()} customers) consenting on email")
    assert len(expected) > 10, "the demo must have abandoned carts to compare"
    assert len(expected) < len(before_consent), "consent must take customers out"
    assert expected["reached_checkout"].any() and not expected["reached_checkout"].all()
    assert expected["email_hash"].notna().all()
    assert_same_table(got, expected, CART_KEYS, "cart_abandonment_audience")


def test_demo_segment_audience_exports_equal_reference(demo_warehouse, demo_consents, demo_customers, demo_clean):
    _, as_of = demo_clean
    memberships = demo_warehouse.query("select * from marts.segment_memberships")
    expected = expected_segment_exports(memberships, demo_consents, as_of, email_hashes(demo_customers))
    got = demo_warehouse.query("select * from marts.segment_audience_exports")
    per_channel = expected.groupby("channel")["customer_id"].nunique().to_dict()
    print(f"\nsegment_audience_exports: {len(expected)} rows; customers per channel {per_channel} "
          f"of {memberships['customer_id'].nunique()}")
    assert set(expected["channel"]) == {"email", "sms", "push"}
    assert 0 < expected["customer_id"].nunique() < memberships["customer_id"].nunique()
    assert_same_table(got, expected, EXPORT_KEYS, "segment_audience_exports")


def test_demo_product_affinity_equals_reference(duck_demo, demo_clean):
    clean, as_of = demo_clean
    expected = expected_product_affinity(clean, as_of, project_vars()["affinity_min_customers"])
    got = duck_demo.query("select * from marts.product_affinity")
    assert len(expected) > 100, "the demo must have affinity pairs to compare"
    # Each ratio is one correctly rounded division of the same integers: exactly equal.
    assert_same_table(got, expected, AFFINITY_KEYS, "product_affinity")


def test_variant_vars_cart_abandonment_audience_equals_reference(duck_variant, demo_clean, demo_consents,
                                                                 variant_customers):
    """An earlier as-of date (consent recorded later is ignored), the sms
    channel, and emails in mixed case with spaces, empty or missing."""
    clean, _ = demo_clean
    as_of = pd.Timestamp(VARIANT_VARS["as_of_date"])
    expected = expected_cart_audience(clean, as_of, VARIANT_VARS["cart_abandonment_hours"],
                                      VARIANT_VARS["cart_abandonment_lookback_days"],
                                      consenting_customers(demo_consents, as_of, VARIANT_VARS["cart_abandonment_channel"]),
                                      email_hashes(variant_customers))
    got = duck_variant.query("select * from marts.cart_abandonment_audience")
    assert len(expected) > 10
    assert expected["email_hash"].isna().any() and expected["email_hash"].notna().any()
    assert_same_table(got, expected, CART_KEYS, "cart_abandonment_audience (variant vars)")


def test_variant_messy_emails_hash_like_their_normalized_form(duck_variant, variant_customers, demo_customers):
    got = duck_variant.query("select customer_id, email_hash from intermediate.int_customer_emails_hashed")
    expected = email_hashes(variant_customers)
    clean = email_hashes(demo_customers)
    hashed = got.set_index("customer_id")["email_hash"]
    assert all((hashed[c] is None or pd.isna(hashed[c])) if h is None else hashed[c] == h for c, h in expected.items())
    shouting = variant_customers.loc[variant_customers["email"].fillna("").str.startswith("  "), "customer_id"]
    assert len(shouting) > 0 and all(hashed[c] == clean[c] for c in shouting), "normalised before hashing"


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
    ("segment_audience_exports", EXPORT_KEYS),
    ("product_affinity", AFFINITY_KEYS),
])
def test_duckdb_and_postgres_activation_marts_are_identical(duck_demo, pg_demo, mart, keys):
    duck = duck_demo.query(f"select * from marts.{mart}")
    pg = pg_demo.query(f"select * from marts.{mart}")
    assert len(duck) > 0
    assert_same_table(pg, duck, keys, f"{mart} (postgres vs duckdb)")
