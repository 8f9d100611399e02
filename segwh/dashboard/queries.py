"""The dashboard's queries: each reads one mart (schema marts) and only selects,
filters, groups or sums what the mart already computed. No segment rule, score
or statistic is computed here; those live in the dbt models."""

from __future__ import annotations

import pandas as pd

from segwh.dashboard.data import has_table, query

# ------------------------------------------------------------------ overview


def overview() -> pd.Series:
    """Population totals of customer_facts, and the average predicted CLV of customer_lifetime_value."""
    facts = query("""
        select
            count(*) as customers,
            sum(case when is_buyer then 1 else 0 end) as buyers,
            sum(order_count) as orders,
            sum(net_revenue) as net_revenue,
            min(as_of_date) as as_of_date
        from marts.customer_facts""").iloc[0]
    clv = query("""
        select
            avg(predicted_clv) as average_predicted_clv,
            sum(predicted_clv) as total_predicted_clv
        from marts.customer_lifetime_value""").iloc[0]
    return pd.concat([facts, clv])


# ------------------------------------------------------------------ segments


def dimensions() -> list[str]:
    return query("select distinct dimension from marts.segment_summary order by dimension")["dimension"].tolist()


def segment_summary(dimension: str) -> pd.DataFrame:
    return query("""
        select
            segment,
            customers,
            customer_share,
            buyers,
            orders,
            net_revenue,
            average_order_value,
            average_clv,
            conversion_rate,
            repeat_rate,
            retention_rate,
            churn_rate,
            email_open_rate,
            email_click_rate
        from marts.segment_summary
        where dimension = ?
        order by customers desc, segment""", [dimension])


# ------------------------------------------------------------------ RFM grid


def rfm_segments() -> list[str]:
    return query("select distinct rfm_segment from marts.customer_rfm order by rfm_segment")["rfm_segment"].tolist()


def rfm_grid(rfm_segment: str | None = None) -> pd.DataFrame:
    """Buyers of customer_rfm per recency and frequency score, optionally of one RFM segment."""
    where, params = ("where rfm_segment = ?", [rfm_segment]) if rfm_segment else ("", [])
    return query(f"""
        select
            r_score,
            f_score,
            count(*) as customers,
            sum(monetary) as net_revenue,
            avg(monetary) as average_monetary
        from marts.customer_rfm
        {where}
        group by r_score, f_score
        order by r_score, f_score""", params)


# ------------------------------------------------------------------ migrations


def migration_dimensions() -> list[str]:
    return query("select distinct dimension from marts.segment_migrations order by dimension")["dimension"].tolist()


def migration_periods(dimension: str) -> list:
    """Period ends that have a previous period (the first period has entries only), latest first."""
    periods = query("""
        select distinct period_end
        from marts.segment_migrations
        where dimension = ? and previous_period_end is not null
        order by period_end desc""", [dimension])
    return pd.to_datetime(periods["period_end"]).dt.date.tolist()


def migrations(dimension: str, period_end) -> pd.DataFrame:
    return query("""
        select
            previous_period_end,
            period_end,
            from_segment,
            to_segment,
            migration_type,
            customers,
            period_net_revenue
        from marts.segment_migrations
        where dimension = ? and period_end = ?
        order by customers desc, from_segment, to_segment""", [dimension, period_end])


# ------------------------------------------------------------------ cohorts


def cohort_retention() -> pd.DataFrame:
    return query("""
        select
            cohort_month,
            months_since_first_purchase,
            cohort_size,
            active_customers,
            retention_rate,
            revenue,
            revenue_per_customer,
            cumulative_revenue_per_customer,
            is_complete_month
        from marts.cohort_retention
        order by cohort_month, months_since_first_purchase""")


# ------------------------------------------------------------------ campaigns


def campaigns() -> pd.DataFrame:
    """One row per campaign (its 'all' row), in order of assignment."""
    return query("""
        select *
        from marts.campaign_lift
        where dimension = 'all'
        order by assigned_at, campaign_id""")


def campaign_dimensions(campaign_id: str) -> list[str]:
    return query("""
        select distinct dimension from marts.campaign_lift
        where campaign_id = ? and dimension <> 'all'
        order by dimension""", [campaign_id])["dimension"].tolist()


def campaign_lift(campaign_id: str, dimension: str) -> pd.DataFrame:
    return query("""
        select
            segment,
            treatment_customers,
            control_customers,
            treatment_conversion_rate,
            control_conversion_rate,
            conversion_lift_abs,
            conversion_lift_ci_low,
            conversion_lift_ci_high,
            treatment_revenue_per_customer,
            control_revenue_per_customer,
            revenue_lift_abs,
            revenue_lift_ci_low,
            revenue_lift_ci_high,
            is_significant
        from marts.campaign_lift
        where campaign_id = ? and dimension = ?
        order by segment""", [campaign_id, dimension])


# ------------------------------------------------------------------ CLV


def membership_segments(dimension: str) -> list[str]:
    return query("""
        select distinct segment from marts.segment_memberships
        where dimension = ? order by segment""", [dimension])["segment"].tolist()


def clv(dimension: str | None = None, segment: str | None = None) -> pd.DataFrame:
    """Per buyer: historical CLV (customer_facts.net_revenue, net revenue to date) and
    predicted CLV (customer_lifetime_value), optionally of the customers of one segment."""
    where, params = "", []
    if dimension and segment:
        where = """where clv.customer_id in (
            select customer_id from marts.segment_memberships where dimension = ? and segment = ?)"""
        params = [dimension, segment]
    return query(f"""
        select
            clv.customer_id,
            facts.net_revenue as historical_clv,
            clv.predicted_clv,
            clv.p_alive,
            clv.clv_horizon_days
        from marts.customer_lifetime_value as clv
        inner join marts.customer_facts as facts
            on clv.customer_id = facts.customer_id
        {where}
        order by clv.customer_id""", params)


# ------------------------------------------------------------------ audience

AUDIENCE_TABLE = "segment_audience_exports"
# The columns of the downloaded file: the hashed identifier and the proof of consent, never customer data in clear.
AUDIENCE_COLUMNS = ["email_hash", "channel", "dimension", "segment", "consent_recorded_at", "as_of_date"]


def audience_available() -> bool:
    return has_table(AUDIENCE_TABLE)


def audience_counts() -> pd.DataFrame:
    return query("""
        select dimension, segment, channel, count(*) as customers
        from marts.segment_audience_exports
        group by dimension, segment, channel
        order by dimension, segment, channel""")


def audience(dimension: str, segment: str, channel: str) -> pd.DataFrame:
    """The consenting customers of one segment on one channel (the mart holds only consenting ones)."""
    columns = ",\n            ".join(AUDIENCE_COLUMNS)
    return query(f"""
        select
            {columns}
        from marts.segment_audience_exports
        where dimension = ? and segment = ? and channel = ?
        order by email_hash, consent_recorded_at""", [dimension, segment, channel])
