"""Randomized purchase histories built to break things: heavy single-purchase
skew, several orders on one day, multi-line orders, events at 00:00:00 and
23:59:59.999999, purchases and refunds after the as-of date, full, partial and
excessive refunds, refunds of unknown orders, exact duplicate rows, customers
with no purchases and customers whose first purchase is after the as-of date.
Only the required raw columns are written."""

from __future__ import annotations

import numpy as np
import pandas as pd

AS_OF = pd.Timestamp("2024-06-30")
START = pd.Timestamp("2024-01-01")
END = pd.Timestamp("2024-08-15")


def make_events(seed: int, customers: int = 400, one_time_share: float = 0.6) -> pd.DataFrame:
    """Raw events of `customers` customers; about `one_time_share` of the buyers buy once."""
    rng = np.random.default_rng(seed)
    rows: list[tuple] = []
    days_span = (END - START).days
    next_id = iter(range(1, 10**9))

    def event(customer, etype, ts, order_id=None, revenue=None):
        rows.append((f"e{next(next_id):07d}", customer, etype, ts, order_id, revenue))

    def time_of_day() -> pd.Timedelta:
        pick = rng.random()
        if pick < 0.25:
            return pd.Timedelta(0)
        if pick < 0.5:
            return pd.Timedelta(days=1) - pd.Timedelta(microseconds=1)
        return pd.Timedelta(seconds=int(rng.integers(0, 86400)))

    order_seq = 0
    for i in range(customers):
        customer = f"c{i:05d}"
        kind = rng.random()
        if kind < 0.08:  # browses only
            for _ in range(int(rng.integers(1, 4))):
                event(customer, "page_view", START + pd.Timedelta(days=int(rng.integers(0, days_span))) + time_of_day())
            continue
        # heavy skew: by default ~60% of buyers buy once
        n_orders = 1 if rng.random() < one_time_share else int(min(2 + rng.geometric(0.35), 25))
        day = int(rng.integers(0, days_span))
        if kind < 0.12:  # first purchase after the as-of date
            day = int(rng.integers((AS_OF - START).days + 1, days_span))
        for _ in range(n_orders):
            order_seq += 1
            order_id = f"o{order_seq:06d}"
            ts = START + pd.Timedelta(days=day) + time_of_day()
            n_lines = 1 if rng.random() < 0.7 else int(rng.integers(2, 4))
            gross = 0
            for _ in range(n_lines):
                cents = int(rng.choice([500, 1999, 2500, int(rng.lognormal(8, 1))]))
                gross += cents
                event(customer, "order_completed", ts + pd.Timedelta(seconds=int(rng.integers(0, 3))),
                      order_id, cents / 100)
                if rng.random() < 0.05:  # exact duplicate row of the same event
                    rows.append(rows[-1])
            r = rng.random()
            if r < 0.15:
                refund_day = ts.normalize() + pd.Timedelta(days=int(rng.integers(0, 40))) + time_of_day()
                choice = rng.random()
                amount = gross if choice < 0.5 else (gross // 3 if choice < 0.8 else gross + 500)
                event(customer, "order_refunded", refund_day, order_id, amount / 100)
            # next purchase: often the same day, else a skewed gap (may pass the as-of date)
            day += 0 if rng.random() < 0.3 else int(rng.integers(1, 60))
            if day >= days_span:
                break
        if rng.random() < 0.02:
            event(customer, "order_refunded", START + pd.Timedelta(days=int(rng.integers(0, days_span))),
                  "o_unknown", 9.99)
    frame = pd.DataFrame(rows, columns=["event_id", "customer_id", "event_type", "occurred_at", "order_id", "revenue"])
    frame["occurred_at"] = frame["occurred_at"].astype("datetime64[us]")
    return frame


def write_release_scenario(folder, seed: int = 15, customers: int = 80):
    """Raw files for the released-rows tests: events of `customers` customers
    (required columns only) and a customers file lacking the four earliest
    buyers, whose events are therefore quarantined (unknown_customer) and old.
    Returns (events path, customers path, the four held customers, a function
    that adds them to the customers file)."""
    events = make_events(seed, customers=customers)
    events_path, customers_path = folder / "events.parquet", folder / "customers.parquet"
    events[["event_id", "customer_id", "event_type", "occurred_at", "order_id", "revenue"]].to_parquet(
        events_path, index=False)
    buyers = events[events.event_type == "order_completed"].groupby("customer_id").occurred_at.min()
    held = buyers.sort_values().index[:4].tolist()
    everyone = sorted(events.customer_id.unique())
    pd.DataFrame({"customer_id": [c for c in everyone if c not in held]}).to_parquet(customers_path, index=False)

    def release():
        pd.DataFrame({"customer_id": everyone}).to_parquet(customers_path, index=False)

    return events_path, customers_path, held, release
