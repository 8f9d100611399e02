"""Independent pandas implementation of the behavioral segment rules and of
segment_summary, written from the documented definitions (docs/segments.md, seed
segment_definitions, dbt_project.yml vars), not from the SQL."""

from __future__ import annotations

import numpy as np
import pandas as pd

import reference as ref

VARS = dict(
    window=90, frequent=5, seasonal_min_orders=2, seasonal_min_share=0.7,
    usage_heavy=0.8, usage_moderate=0.4, new_days=30, default_cadence=60, min_cadence=14,
    at_risk=1.5, lapsed=2.5, reactivated_window=60, loyal_orders=4, loyal_tenure=180,
    open_high=0.5, open_low=0.2, click_min=0.1, sessions_high=4, app_opens_min=4,
    highly=4, engaged=2, occasion_min_orders=2, occasion_min_share=0.5,
    price_driven=0.5, price_driven_value=0.2, premium=1.3, k=2, churn_medium=0.33, churn_high=0.66,
    value_high=0.8, value_medium=0.5, retention_window=90, weekend_share=0.4, birthday_min=1,
    dayparts=((5, "morning"), (12, "afternoon"), (17, "evening"), (22, "night")),
)
ACTIVITY_TYPES = {"page_view", "product_view", "search", "add_to_cart", "remove_from_cart",
                  "checkout_started", "app_open"}
OCCASIONS = [("valentines", 201, 214), ("mothers_day", 501, 512), ("summer", 615, 815),
             ("back_to_school", 816, 910), ("holiday_season", 1101, 1231)]


def percent_rank(values: pd.Series) -> pd.Series:
    n = len(values)
    if n <= 1:
        return pd.Series(0.0, index=values.index)
    return (values.rank(method="min") - 1) / (n - 1)


def p_alive(frequency: pd.Series, recency: pd.Series, t: pd.Series, bgnbd: dict) -> pd.Series:
    """lifetimes' BG/NBD P(alive) at the parameters `bgnbd` (r, alpha, a, b; days)."""
    from lifetimes import BetaGeoFitter

    fitter = BetaGeoFitter()
    fitter.params_ = pd.Series({name: float(bgnbd[name]) for name in ("r", "alpha", "a", "b")})
    return pd.Series(fitter.conditional_probability_alive(frequency.to_numpy(float), recency.to_numpy(float),
                                                          t.to_numpy(float)), index=frequency.index)


def customer_segments(events: pd.DataFrame, as_of: pd.Timestamp, customers: pd.DataFrame | None = None,
                      bgnbd: dict | None = None) -> pd.DataFrame:
    """The segments of every customer with an event. Churn risk is 1 - P(alive) at the
    BG/NBD parameters `bgnbd` (churn_risk_method p_alive), or the recency/cadence score
    when `bgnbd` is None (churn_risk_method recency_cadence)."""
    v = VARS
    ev = ref.observed(events, as_of).copy()
    ev["day"] = ev.occurred_at.dt.normalize()
    orders = ref.orders(events, as_of)
    purchases = orders[~orders.fully_refunded].copy()
    purchases["day"] = purchases.occurred_at.dt.normalize()

    ids = pd.Index(sorted(set(ev.customer_id)), name="customer_id")
    out = pd.DataFrame(index=ids)
    counts = ev.groupby(["customer_id", "event_type"]).size().unstack(fill_value=0)
    col = lambda t: counts[t].reindex(ids, fill_value=0) if t in counts else pd.Series(0, index=ids)

    # ---- purchases
    out["order_count"] = purchases.groupby("customer_id").size().reindex(ids, fill_value=0)
    out["net_cents"] = orders.groupby("customer_id").net.sum().reindex(ids, fill_value=0)
    days = purchases.drop_duplicates(["customer_id", "day"]).sort_values(["customer_id", "day"])
    first_day = days.groupby("customer_id").day.min().reindex(ids)
    last_day = days.groupby("customer_id").day.max().reindex(ids)
    n_days = days.groupby("customer_id").size().reindex(ids, fill_value=0)
    mean_gap = ((last_day - first_day).dt.days / (n_days - 1)).where(n_days > 1)
    out["days_since_last_order"] = (as_of - last_day).dt.days
    out["days_since_first"] = (as_of - first_day).dt.days
    out["cadence"] = mean_gap.fillna(v["default_cadence"]).clip(lower=v["min_cadence"])
    gaps = days.assign(gap=days.groupby("customer_id").day.diff().dt.days)
    last_gap = gaps.groupby("customer_id").gap.last().reindex(ids)
    prior = gaps.groupby("customer_id").gap.apply(lambda g: g.iloc[1:-1].mean() if len(g) > 2 else np.nan)
    out["prior_cadence"] = prior.reindex(ids).fillna(v["default_cadence"]).clip(lower=v["min_cadence"])

    o = out.order_count
    out["purchase_behavior"] = np.select(
        [o == 0, o == 1, o >= v["frequent"]], ["prospect", "first_time_buyer", "frequent_buyer"], "repeat_buyer")

    # value
    buyers = out.index[o > 0]
    out["value_pr"] = np.nan
    out.loc[buyers, "value_pr"] = percent_rank(out.loc[buyers, "net_cents"])
    out["value_tier"] = np.select(
        [o == 0, out.value_pr >= v["value_high"], out.value_pr >= v["value_medium"]], ["none", "high", "medium"], "low")

    # lifecycle
    dsl, cad = out.days_since_last_order, out.cadence
    out["lifecycle"] = np.select([
        o == 0,
        out.days_since_first <= v["new_days"],
        (last_gap >= v["lapsed"] * out.prior_cadence) & (dsl <= v["reactivated_window"]),
        dsl > v["lapsed"] * cad,
        dsl > v["at_risk"] * cad,
        (o >= v["loyal_orders"]) & (out.days_since_first >= v["loyal_tenure"]) & (out.value_pr >= v["value_medium"]),
    ], ["prospect", "new", "reactivated", "lapsed", "at_risk", "loyal"], "active")

    # churn risk
    if bgnbd is None:
        ratio = dsl / cad
        out["churn_risk_score"] = (ratio ** v["k"] / (1 + ratio ** v["k"])).where(o > 0)
    else:
        buyer = n_days > 0
        alive = p_alive((n_days - 1)[buyer], (last_day - first_day).dt.days[buyer],
                        out.days_since_first[buyer], bgnbd)
        out["churn_risk_score"] = (1 - alive).reindex(ids).where(o > 0)
    out["churn_risk"] = np.select(
        [o == 0, out.churn_risk_score >= v["churn_high"], out.churn_risk_score >= v["churn_medium"]],
        ["not_applicable", "high", "medium"], "low")

    # journey
    consideration = col("product_view") + col("add_to_cart") + col("checkout_started")
    advocacy = col("review_submitted") + col("referral_made")
    out["journey_stage"] = np.select(
        [advocacy > 0, o >= 2, o == 1, consideration > 0], ["advocacy", "retention", "purchase", "consideration"],
        "awareness")

    # engagement, usage over the window
    win = ev[ev.day > as_of - pd.Timedelta(days=v["window"])]
    wcounts = win.groupby(["customer_id", "event_type"]).size().unstack(fill_value=0)
    wcol = lambda t: wcounts[t].reindex(ids, fill_value=0) if t in wcounts else pd.Series(0, index=ids)
    sessions = win.dropna(subset=["session_id"]).groupby("customer_id").session_id.nunique().reindex(ids, fill_value=0)
    sent = wcol("email_sent")
    open_rate = (wcol("email_opened") / sent).where(sent > 0)
    click_rate = (wcol("email_clicked") / sent).where(sent > 0)
    points = (np.select([open_rate >= v["open_high"], open_rate >= v["open_low"]], [2, 1], 0)
              + (click_rate >= v["click_min"]).astype(int)
              + np.select([sessions >= v["sessions_high"], sessions >= 1], [2, 1], 0)
              + (wcol("app_open") >= v["app_opens_min"]).astype(int))
    out["engagement_points"] = points
    out["email_open_rate"], out["email_click_rate"] = open_rate, click_rate
    out["engagement"] = np.select([points >= v["highly"], points >= v["engaged"], points >= 1],
                                  ["highly_engaged", "engaged", "passive"], "dormant")
    act = win[win.event_type.isin(ACTIVITY_TYPES)]
    act_count = act.groupby("customer_id").size().reindex(ids, fill_value=0)
    first_act = act.groupby("customer_id").day.min().reindex(ids)
    weeks = np.floor(((as_of - first_act).dt.days + 7) / 7)
    per_week = act_count / weeks
    users = out.index[act_count > 0]
    out["activity_pr"] = np.nan
    out.loc[users, "activity_pr"] = percent_rank(per_week.loc[users])
    out["activity_per_active_week"] = per_week
    out["usage_rate"] = np.select(
        [act_count == 0, out.activity_pr >= v["usage_heavy"], out.activity_pr >= v["usage_moderate"]],
        ["non_user", "heavy_user", "moderate_user"], "light_user")

    # occasion and seasonality
    md = purchases.occurred_at.dt.month * 100 + purchases.occurred_at.dt.day
    purchases["occasion"] = None
    for name, lo, hi in OCCASIONS:
        purchases.loc[(md >= lo) & (md <= hi), "occasion"] = name
    occ = purchases.dropna(subset=["occasion"]).groupby(["customer_id", "occasion"]).size().reset_index(name="n")
    occ = occ.sort_values(["customer_id", "n", "occasion"], ascending=[True, False, True]).drop_duplicates("customer_id")
    occ = occ.set_index("customer_id").reindex(ids)
    share = (occ.n.fillna(0) / o).where(o > 0).fillna(0)
    out["top_occasion_share"] = share
    out["seasonality"] = np.select(
        [o == 0, (o >= v["seasonal_min_orders"]) & (share >= v["seasonal_min_share"])],
        ["no_purchases", "seasonal_buyer"], "non_seasonal_buyer")
    out["occasion"] = np.where(o == 0, "no_purchases", np.where(
        (occ.n.fillna(0) >= v["occasion_min_orders"]) & (share >= v["occasion_min_share"]), occ.occasion, "no_occasion"))

    # benefits: discounted share, mean unit list price / category median
    disc = orders[~orders.fully_refunded].merge(
        ev[ev.event_type == "order_completed"].groupby("order_id").discount_amount.apply(
            lambda s: (s.fillna(0) > 0).any()).rename("discounted"), left_on="order_id", right_index=True)
    d_share = (disc.groupby("customer_id").discounted.sum().reindex(ids, fill_value=0) / o).where(o > 0)
    owner = orders.set_index("order_id").customer_id
    all_lines = ev[(ev.event_type == "order_completed") & ev.order_id.isin(orders.order_id)]
    discount = ref.cents(all_lines.discount_amount).groupby(all_lines.order_id.map(owner)).sum() \
        .reindex(ids, fill_value=0)
    v_share = (discount / (out.net_cents + discount).replace(0, np.nan)).where(o > 0)
    lines = ev[(ev.event_type == "order_completed") & ev.order_id.isin(purchases.order_id)].copy()
    lines["customer_id"] = lines.order_id.map(owner)  # a line belongs to its order's customer
    lines["unit"] = (lines.revenue + lines.discount_amount.fillna(0)) / lines.quantity.replace(0, np.nan).fillna(1)
    medians = lines.dropna(subset=["category"]).groupby("category").unit.median()
    lines = lines.dropna(subset=["category"])
    lines["ratio"] = lines.unit / lines.category.map(medians)
    price_ratio = lines.groupby("customer_id").ratio.mean().reindex(ids)
    spend = lines.groupby(["customer_id", "category"]).revenue.sum().reset_index()
    spend = spend.sort_values(["customer_id", "revenue", "category"], ascending=[True, False, True])
    out["top_category"] = spend.drop_duplicates("customer_id").set_index("customer_id").category.reindex(ids)
    out["discounted_order_share"], out["discount_value_share"], out["price_ratio"] = d_share, v_share, price_ratio
    out["benefit"] = np.select(
        [o == 0, d_share >= v["price_driven"], v_share >= v["price_driven_value"], price_ratio >= v["premium"]],
        ["no_purchases", "price_driven", "price_driven", "premium"], "mainstream")
    out["is_seasonal_buyer"] = out.seasonality == "seasonal_buyer"

    # time preferences over all activity: weekend share, busiest hour and daypart
    all_act = ev[ev.event_type.isin(ACTIVITY_TYPES)].copy()
    all_act["hour"] = all_act.occurred_at.dt.hour
    n_act = all_act.groupby("customer_id").size().reindex(ids, fill_value=0)
    weekend = all_act[all_act.occurred_at.dt.day_of_week >= 5].groupby("customer_id").size().reindex(ids, fill_value=0)
    out["day_preference"] = np.select(
        [n_act == 0, weekend / n_act.replace(0, np.nan) >= v["weekend_share"]], ["no_activity", "weekend"], "weekday")
    hours = all_act.groupby(["customer_id", "hour"]).size().reset_index(name="n")
    hours = hours.sort_values(["customer_id", "n", "hour"], ascending=[True, False, True])
    out["preferred_hour"] = hours.drop_duplicates("customer_id").set_index("customer_id").hour.reindex(ids)

    def daypart(hour: int) -> str:
        """The last daypart started by this hour; before the first start it is still night."""
        started = [label for start, label in v["dayparts"] if hour >= start]
        return started[-1] if started else v["dayparts"][-1][1]

    order = {label: i for i, (_, label) in enumerate(v["dayparts"])}
    all_act["daypart"] = all_act.hour.map(daypart)
    parts = all_act.groupby(["customer_id", "daypart"]).size().reset_index(name="n")
    parts["order"] = parts.daypart.map(order)
    parts = parts.sort_values(["customer_id", "n", "order"], ascending=[True, False, True])
    out["daypart"] = parts.drop_duplicates("customer_id").set_index("customer_id").daypart.reindex(ids) \
        .fillna("no_activity")

    # preferred channel: web or app, whichever holds more activity (ties: web)
    web = all_act[all_act.channel == "web"].groupby("customer_id").size().reindex(ids, fill_value=0)
    app = all_act[all_act.channel == "app"].groupby("customer_id").size().reindex(ids, fill_value=0)
    out["preferred_channel"] = np.select([web + app == 0, app > web], ["no_activity", "app"], "web")

    # birthday month, where a birth date is known
    births = (customers.set_index("customer_id").birth_date if customers is not None
              else pd.Series(dtype="datetime64[ns]")).reindex(ids)
    birth_month = pd.to_datetime(births).dt.month
    in_month = purchases[purchases.occurred_at.dt.month.to_numpy()
                         == birth_month.reindex(purchases.customer_id).to_numpy()]
    bday = in_month.groupby("customer_id").size().reindex(ids, fill_value=0)
    out["birthday"] = np.select(
        [births.isna(), o == 0, bday >= v["birthday_min"]],
        ["unknown_birth_date", "no_purchases", "birthday_month_buyer"], "not_birthday_buyer")
    return out


def segment_summary(events: pd.DataFrame, as_of: pd.Timestamp, memberships: pd.DataFrame) -> pd.DataFrame:
    """KPIs per dimension and segment, grouping customers by the given memberships."""
    w = VARS["retention_window"]
    ev = ref.observed(events, as_of)
    orders = ref.orders(events, as_of)
    purchases = orders[~orders.fully_refunded]
    facts = ref.customer_order_facts(orders, as_of)
    ids = memberships.customer_id.unique()
    per = pd.DataFrame(index=pd.Index(ids, name="customer_id"))
    per["orders"] = facts.order_count.reindex(per.index, fill_value=0)
    per["net_cents"] = facts.net_cents.reindex(per.index, fill_value=0)
    sess = ev.dropna(subset=["session_id"])
    per["sessions"] = sess.groupby("customer_id").session_id.nunique().reindex(per.index, fill_value=0)
    conv = sess[sess.event_type == "order_completed"]
    per["converted"] = conv.groupby("customer_id").session_id.nunique().reindex(per.index, fill_value=0)
    for t, name in [("email_sent", "sent"), ("email_opened", "opened"), ("email_clicked", "clicked")]:
        per[name] = ev[ev.event_type == t].groupby("customer_id").size().reindex(per.index, fill_value=0)
    age = (as_of - purchases.occurred_at.dt.normalize()).dt.days
    before = purchases[(age >= w) & (age < 2 * w)].customer_id.unique()
    last = purchases[age < w].customer_id.unique()
    per["before"] = per.index.isin(before).astype(int)
    per["retained"] = (per.index.isin(before) & per.index.isin(last)).astype(int)
    per["buyer"] = (per.orders > 0).astype(int)
    per["repeat"] = (per.orders > 1).astype(int)
    joined = memberships.merge(per, left_on="customer_id", right_index=True)
    g = joined.groupby(["dimension", "segment"])
    s = g.agg(customers=("customer_id", "size"), buyers=("buyer", "sum"), orders=("orders", "sum"),
              net_cents=("net_cents", "sum"), sessions=("sessions", "sum"), converted=("converted", "sum"),
              repeat=("repeat", "sum"), before=("before", "sum"), retained=("retained", "sum"),
              sent=("sent", "sum"), opened=("opened", "sum"), clicked=("clicked", "sum"))
    total = len(ids)
    ratio = lambda a, b: (a / b).where(b > 0)
    return pd.DataFrame({
        "customers": s.customers, "customer_share": s.customers / total, "buyers": s.buyers, "orders": s.orders,
        "net_revenue": s.net_cents / 100, "average_order_value": ratio(s.net_cents / 100, s.orders),
        "average_clv": s.net_cents / 100 / s.customers, "conversion_rate": ratio(s.converted, s.sessions),
        "repeat_rate": ratio(s.repeat, s.buyers), "retention_rate": ratio(s.retained, s.before),
        "churn_rate": 1 - ratio(s.retained, s.before), "email_open_rate": ratio(s.opened, s.sent),
        "email_click_rate": ratio(s.clicked, s.sent),
    })
