"""Independent Python computation of the published numbers.

Written from the documented rules, not from the SQL: pandas over the raw
events, lifetimes for the buy-till-you-die summary, exact fractions for RFM
scores. Tests compare the warehouse against these.
"""

from __future__ import annotations

import csv
import math
from fractions import Fraction
from pathlib import Path

import pandas as pd

PROJECT_DIR = Path(__file__).resolve().parents[1]


def clean_events(events: pd.DataFrame, known_customers=None) -> pd.DataFrame:
    """The events the documented quarantine rules let through, one row per event_id.

    Exact copies collapse to one row. Held back: rows without event id, customer
    or time; unknown event types (seed event_types); negative revenue; orders and
    refunds without order id; customers absent from known_customers (when
    given); every version of an event_id whose versions differ; refunds of an
    order that has no clean order line.
    """
    ev = events.copy()
    for col in ["session_id", "order_id", "product_id", "discount_amount", "quantity"]:
        if col not in ev.columns:
            ev[col] = None
    ev["occurred_at"] = pd.to_datetime(ev["occurred_at"])
    ev = ev.drop_duplicates()
    event_types = set(seed("event_types")["event_type"])
    ok = ev["event_id"].notna() & ev["customer_id"].notna() & ev["occurred_at"].notna()
    ok &= ev["event_type"].isin(event_types)
    ok &= ~(ev["revenue"].astype(float) < 0)
    ok &= ~(ev["event_type"].isin(["order_completed", "order_refunded"]) & ev["order_id"].isna())
    if known_customers is not None:
        ok &= ev["customer_id"].isin(set(known_customers))
    versions = ev.groupby("event_id", dropna=False)["event_id"].transform("size")
    ok &= versions == 1
    clean = ev[ok]
    clean_orders = set(clean.loc[clean["event_type"] == "order_completed", "order_id"])
    clean = clean[(clean["event_type"] != "order_refunded") | clean["order_id"].isin(clean_orders)]
    return clean.sort_values("event_id", kind="mergesort")


def seed(name: str) -> pd.DataFrame:
    return pd.read_csv(PROJECT_DIR / "seeds" / f"{name}.csv")


def observed(events: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    return events[events["occurred_at"].dt.normalize() <= as_of]


def orders(events: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """One row per order placed by the as-of date, net of refunds recorded by then."""
    ev = observed(events, as_of)
    lines = ev[(ev["event_type"] == "order_completed") & ev["order_id"].notna()].copy()
    # Money in integer cents: sums and ties stay exact, as with decimal(18, 2) in SQL.
    lines["cents"] = cents(lines["revenue"])
    first = lines.sort_values(["order_id", "occurred_at", "event_id"]).drop_duplicates("order_id")
    totals = lines.groupby("order_id").agg(gross=("cents", "sum"))
    out = first.set_index("order_id")[["customer_id", "occurred_at"]].join(totals)
    refunds = ev[(ev["event_type"] == "order_refunded") & ev["order_id"].notna()].copy()
    refunds["cents"] = cents(refunds["revenue"])
    refund_totals = refunds.groupby("order_id").agg(refund=("cents", "sum"), refund_count=("cents", "size"))
    out = out.join(refund_totals, how="left")
    out["refund_count"] = out["refund_count"].fillna(0)
    out["refund"] = out["refund"].fillna(0).astype("int64")
    out["refunded"] = out[["refund", "gross"]].min(axis=1)
    out["net"] = out["gross"] - out["refunded"]
    out["fully_refunded"] = (out["refund_count"] > 0) & (out["refunded"] >= out["gross"])
    out["net_amount"] = out["net"] / 100.0
    return out.reset_index()


def cents(amounts: pd.Series) -> pd.Series:
    return (amounts.astype(float).fillna(0.0) * 100).round().astype("int64")


def btyd_summary(orders_df: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """lifetimes' own summary of the purchases (orders not fully refunded)."""
    from lifetimes.utils import summary_data_from_transaction_data

    purchases = orders_df[~orders_df["fully_refunded"]]
    return summary_data_from_transaction_data(
        purchases, "customer_id", "occurred_at", monetary_value_col="net_amount",
        observation_period_end=as_of, freq="D",
    )


def customer_order_facts(orders_df: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """Per-customer order facts: counts, revenue in cents, days since last purchase."""
    purchases = orders_df[~orders_df["fully_refunded"]]
    grouped = orders_df.groupby("customer_id")
    facts = pd.DataFrame({
        "gross_cents": grouped["gross"].sum(),
        "refunded_cents": grouped["refunded"].sum(),
        "net_cents": grouped["net"].sum(),
        "refunded_order_count": grouped["fully_refunded"].sum(),
    })
    by_buyer = purchases.groupby("customer_id")
    facts["order_count"] = by_buyer.size()
    facts["order_count"] = facts["order_count"].fillna(0).astype(int)
    last_day = by_buyer["occurred_at"].max().dt.normalize()
    facts["days_since_last_order"] = (as_of - last_day).dt.days
    return facts


# ----------------------------------------------------------------------------- RFM

def rfm_buyers(orders_df: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """The input of rfm(): customer_id, recency_days, frequency and monetary (net
    revenue in cents, which keeps ties exact) of every customer with a purchase."""
    facts = customer_order_facts(orders_df, as_of)
    buyers = facts[facts.order_count > 0].reset_index()
    return pd.DataFrame({
        "customer_id": buyers.customer_id,
        "recency_days": buyers.days_since_last_order,
        "frequency": buyers.order_count,
        "monetary": buyers.net_cents,
    })


def quantile_scores(values: pd.Series, bins: int, higher_is_better: bool) -> pd.Series:
    """min(bins, 1 + floor(bins * worse / (n - 1))) with exact fractions; the
    middle band 1 + bins // 2 when nobody differs."""
    n = len(values)
    counts = values.value_counts()
    if len(counts) == 1:
        return values.map(lambda _: 1 + bins // 2)
    scores = {}
    for value in counts.index:
        worse = int((values < value).sum()) if higher_is_better else int((values > value).sum())
        scores[value] = min(bins, 1 + math.floor(Fraction(bins * worse, n - 1)))
    return values.map(scores)


def threshold_scores(values: pd.Series, cuts: list[float], higher_is_better: bool) -> pd.Series:
    if higher_is_better:
        return values.map(lambda v: 1 + sum(v >= c for c in cuts))
    return values.map(lambda v: 1 + sum(v <= c for c in cuts))


def read_segment_map(preset: str) -> list[dict]:
    with open(PROJECT_DIR / "seeds" / "rfm_segment_map.csv", newline="") as fh:
        return [r for r in csv.DictReader(fh) if r["segment_map"] == preset]


def read_actions() -> dict[str, str]:
    with open(PROJECT_DIR / "seeds" / "segment_definitions.csv", newline="") as fh:
        return {r["segment"]: r["recommended_action"] for r in csv.DictReader(fh) if r["dimension"] == "rfm_segment"}


def name_cell(rules: list[dict], r: int, f: int, m: int) -> str | None:
    hits = [
        rule["rfm_segment"] for rule in rules
        if int(rule["r_score_min"]) <= r <= int(rule["r_score_max"])
        and int(rule["f_score_min"]) <= f <= int(rule["f_score_max"])
        and int(rule["m_score_min"]) <= m <= int(rule["m_score_max"])
    ]
    assert len(hits) <= 1, f"cell {r}-{f}-{m} matched {hits}"
    return hits[0] if hits else None


# The documented default cut points (docs/configuration.md, dbt_project.yml); monetary in currency units.
DEFAULT_THRESHOLDS = {"recency": [30, 90, 180, 365], "frequency": [2, 3, 5, 8], "monetary": [50, 150, 400, 1000]}
# Which measures each method scores by cut points; the others by quantile.
BY_CUT_POINTS = {"quantile": set(), "thresholds": {"recency", "frequency", "monetary"}, "hybrid": {"frequency"}}


def rfm(buyers: pd.DataFrame, bins: int = 5, method: str = "hybrid", preset: str = "classic_11",
        thresholds: dict | None = None) -> pd.DataFrame:
    """buyers: customer_id, recency_days, frequency, monetary. Returns scores, cell, segment, action.

    method 'quantile': every measure by quantile_scores; 'thresholds': every
    measure by its cut points; 'hybrid' (the default): frequency (a count of
    orders) by its cut points, recency and monetary by quantile."""
    out = buyers.copy()
    thresholds = thresholds or DEFAULT_THRESHOLDS
    for measure, score, higher_is_better in [("recency", "r_score", False), ("frequency", "f_score", True),
                                             ("monetary", "m_score", True)]:
        values = out["recency_days" if measure == "recency" else measure]
        if measure in BY_CUT_POINTS[method]:
            out[score] = threshold_scores(values, thresholds[measure], higher_is_better)
        else:
            out[score] = quantile_scores(values, bins, higher_is_better)
    rules = read_segment_map(preset)
    actions = read_actions()
    out["rfm_cell"] = [f"{r}-{f}-{m}" for r, f, m in zip(out["r_score"], out["f_score"], out["m_score"])]
    out["rfm_segment"] = [name_cell(rules, r, f, m) for r, f, m in zip(out["r_score"], out["f_score"], out["m_score"])]
    out["recommended_action"] = out["rfm_segment"].map(actions)
    return out
