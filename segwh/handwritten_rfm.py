"""Hand-written "RFM core": the benchmark's baseline, not used by the warehouse.

The benchmark compares the dbt chain behind the marts ``customer_facts`` (40
columns) and ``customer_rfm`` (13 columns) with "the limit": one hand-written
DuckDB query that computes the same columns, with the same names and values,
for the same customers, straight from the raw files (events and customers
Parquet/CSV) under the project's default vars (``as_of_date`` null, hybrid
scoring with ``rfm_bins`` 5 and ``rfm_frequency_thresholds`` [2, 3, 5, 8],
segment map ``classic_11``, UTC).

It is an independent implementation of the *semantics* of
models/staging/base/base_raw__events.sql, models/staging/*.sql,
int_as_of_date, int_events_observed, int_orders_netted (macro netted_orders),
int_customer_purchase_days, customer_facts, int_customers_rfm_scored (macros
rfm_quantile_score and rfm_threshold_score), customer_rfm and the seeds
rfm_segment_map and segment_definitions, written for speed rather than
generality:

* as-of date = UTC date of the latest clean event; only events on or before
  it count (with the default vars that cut is a no-op, so it is not applied
  row by row);
* an order is the set of ``order_completed`` lines sharing an ``order_id``; it
  belongs to the customer and time of its earliest line (ties: lowest
  event_id); refunds are summed per order and capped at the order's gross;
  an order refunded in full is not a purchase; refunds of unknown orders are
  ignored; money is summed as decimal(18, 2) after casting every raw value;
* purchase days, the lifetimes-style ``btyd_*`` summary (freq='D'), and
  hybrid RFM scores: R and M by percent rank
  (``1 + floor(5 * (rank - 1) / (buyers - 1))``, capped at 5, ties share a
  score, everybody 3 when all values are equal), F = 1 plus the frequency cut
  points the order count reaches (1, 2, 3-4, 5-7, 8+ orders -> 1..5);
* customers = rows of the customers file signed up on or before the as-of
  date (or without a sign-up time) plus every customer with an event; without
  a customers file, customers are derived from the events.

What it skips (see the comment at the top of the query): the quarantine rules
that never fire on data from ``segwh.generate`` (malformed/unparseable values,
untrimmed or upper-case text, unknown event types, unknown customers,
conflicting duplicate event ids, refunds of orders without a clean line) and,
unless asked (``dedupe_exact_copies=True``), exact duplicate raw rows (the
generator writes none, and removing them costs a full hash of every row).

Use::

    import duckdb
    from segwh.handwritten_rfm import rfm_core_sql, run

    con = duckdb.connect("scratch.duckdb")
    seconds, rows = run(con, "events.parquet", "customers.parquet", "seeds/rfm_segment_map.csv")
"""

from __future__ import annotations

import csv
import time
from pathlib import Path

# The project's default vars this query is written for.
RFM_BINS = 5
RFM_SCORING_METHOD = "hybrid"
RFM_FREQUENCY_THRESHOLDS = (2, 3, 5, 8)
RFM_SEGMENT_MAP = "classic_11"
QUARANTINE_FUTURE_TOLERANCE_HOURS = 24


def _literal(value: str | None) -> str:
    if value is None:
        return "null"
    return "'" + str(value).replace("'", "''") + "'"


def _scan(path: str) -> str:
    """A table function reading a raw file (or glob): Parquet, else CSV."""
    lowered = path.lower()
    if lowered.endswith(".csv") or lowered.endswith(".csv.gz"):
        return f"read_csv({_literal(path)})"
    return f"read_parquet({_literal(path)})"


def _segment_cells(segment_map_csv: str, segment_definitions_csv: str | None) -> str:
    """The seed rfm_segment_map (preset classic_11), resolved in Python to one
    row per (r, f, m) score cell, with the recommended action of the seed
    segment_definitions: a VALUES list joined on equality. A cell outside every
    box gets no row (NULL segment, like the mart's left join); a cell in two
    boxes would duplicate the mart's rows, so it is refused here."""
    with open(segment_map_csv, newline="") as handle:
        boxes = [row for row in csv.DictReader(handle) if row["segment_map"].strip() == RFM_SEGMENT_MAP]
    definitions_path = (Path(segment_definitions_csv) if segment_definitions_csv
                        else Path(segment_map_csv).with_name("segment_definitions.csv"))
    actions: dict[str, str] = {}
    if definitions_path.exists():
        with open(definitions_path, newline="") as handle:
            for row in csv.DictReader(handle):
                if row["dimension"] == "rfm_segment":
                    actions[row["segment"]] = row["recommended_action"]
    cells: dict[tuple[int, int, int], str] = {}
    for box in boxes:
        for r in range(int(box["r_score_min"]), int(box["r_score_max"]) + 1):
            for f in range(int(box["f_score_min"]), int(box["f_score_max"]) + 1):
                for m in range(int(box["m_score_min"]), int(box["m_score_max"]) + 1):
                    if (r, f, m) in cells:
                        raise ValueError(f"rfm_segment_map {RFM_SEGMENT_MAP}: cell {r}-{f}-{m} is in two boxes")
                    cells[(r, f, m)] = box["rfm_segment"]
    if not cells:
        return ("select * from (values (0, cast(null as varchar), cast(null as varchar)))"
                " as t(cell, rfm_segment, recommended_action) where false")
    rows = ",\n            ".join(
        f"({r * 100 + f * 10 + m}, {_literal(segment)}, {_literal(actions.get(segment))})"
        for (r, f, m), segment in sorted(cells.items())
    )
    return f"select * from (values\n            {rows}\n        ) as t(cell, rfm_segment, recommended_action)"


def rfm_core_sql(events_path: str, customers_path: str | None, segment_map_csv: str, *,
                 segment_definitions_csv: str | None = None, dedupe_exact_copies: bool = False) -> str:
    """One DuckDB ``select``: one row per customer with the 40 columns of
    customer_facts followed by the 11 columns of customer_rfm that
    customer_facts lacks (recency_days, frequency, monetary, r_score, f_score,
    m_score, rfm_cell, scoring_method, segment_map, rfm_segment,
    recommended_action; NULL for customers who never bought, who are not in
    customer_rfm). ``customers_path`` None or '' = no customers file.
    ``segment_definitions_csv`` defaults to segment_definitions.csv next to
    the segment map."""
    events = _scan(events_path)
    if dedupe_exact_copies:
        events = f"(select distinct * from {events})"
    has_customers = bool(customers_path)
    bins = RFM_BINS
    # the future_timestamp quarantine: later than the build's start + 24 h
    not_future = (f"occurred_at <= timezone('UTC', now()) + interval {QUARANTINE_FUTURE_TOLERANCE_HOURS} hour")
    if dedupe_exact_copies or events_path.lower().endswith((".csv", ".csv.gz")):
        active_days = "count(distinct cast(occurred_at as date))"
    else:
        # distinct UTC days as a bitmap over the file's date range (bitstring_agg
        # takes the range from the Parquet statistics): far cheaper than a
        # distinct hash table of (customer, day)
        active_days = "bit_count(bitstring_agg(cast(occurred_at as date) - date '1970-01-01'))"
    middle = 1 + bins // 2
    frequency_points = " + ".join(
        ["1", *(f"(order_count >= {cut})::integer" for cut in RFM_FREQUENCY_THRESHOLDS)])

    if has_customers:
        customers_cte = f"""customers as (
        -- stg_raw__customers: trimmed id, lower-cased attributes (the generator
        -- writes one row per customer, so its de-duplication is skipped)
        select
            trim(customer_id) as customer_id,
            lower(country) as country,
            lower(acquisition_channel) as acquisition_channel,
            true as is_from_customer_source,
            cast(signed_up_at as timestamp) as signed_up_at
        from {_scan(customers_path)}
        where nullif(trim(customer_id), '') is not null
    )"""
    else:
        customers_cte = """customers as (
        -- no customers file: customers are derived from their events
        select
            customer_id,
            cast(null as varchar) as country,
            cast(null as varchar) as acquisition_channel,
            false as is_from_customer_source,
            first_seen_at as signed_up_at
        from activity
    )"""

    type_counts = ",\n            ".join(
        f"count_if(event_type = '{event_type}') as {column}"
        for event_type, column in [
            ("page_view", "page_view_count"), ("product_view", "product_view_count"),
            ("add_to_cart", "add_to_cart_count"), ("checkout_started", "checkout_count"),
            ("email_sent", "email_sent_count"), ("email_opened", "email_open_count"),
            ("email_clicked", "email_click_count"), ("app_open", "app_open_count"),
            ("review_submitted", "review_count"), ("referral_made", "referral_count"),
        ]
    )

    return f"""
-- Hand-written RFM core (segwh/handwritten_rfm.py): the benchmark's baseline.
-- Assumes clean generated data. Skipped from base_raw__events (they never fire
-- on segwh.generate output): trimming / lower-casing of event text, parsing of
-- text timestamps and numbers (timestamps must be naive UTC), and the
-- quarantine reasons missing_event_id, missing_customer, missing_timestamp,
-- unparseable_timestamp, implausible_timestamp, unknown_event_type,
-- unknown_campaign_variant, non_numeric_revenue, negative_revenue,
-- non_numeric_value, missing_order_id, unknown_customer,
-- conflicting_duplicate, unknown_refund_order; exact duplicate raw rows are
-- {'removed (select distinct)' if dedupe_exact_copies else 'NOT removed (the generator writes none)'};
-- erasure requests are not read (default var: none); customers are assumed
-- unique by customer_id. Kept: the future_timestamp cut (query time + 24 h,
-- where dbt uses the build's start). Implicit: the as-of cut (with as_of_date
-- null no clean event is later than the as-of date, so no row filter is needed).
with

activity as (
    select
        customer_id,
        min(occurred_at) as first_seen_at,
        max(occurred_at) as last_seen_at,
        count(*) as event_count,
        count(distinct session_id) as session_count,
        {active_days} as active_days,
            {type_counts}
    from {events}
    where {not_future}
    group by customer_id
),

as_of as (
    select cast(max(last_seen_at) as date) as as_of_date from activity
),

{customers_cte},

-- int_orders_netted: one row per order with at least one line
orders as (
    select
        order_id,
        arg_min(customer_id, (occurred_at, event_id)) filter (where event_type = 'order_completed') as customer_id,
        min(occurred_at) filter (where event_type = 'order_completed') as ordered_at,
        coalesce(sum(cast(revenue as decimal(18, 2))) filter (where event_type = 'order_completed'), 0)
            as gross_revenue,
        coalesce(sum(cast(discount_amount as decimal(18, 2))) filter (where event_type = 'order_completed'), 0)
            as discount_amount,
        count_if(event_type = 'order_refunded') as refund_count,
        coalesce(sum(cast(revenue as decimal(18, 2))) filter (where event_type = 'order_refunded'), 0)
            as refund_requested
    from {events}
    where event_type in ('order_completed', 'order_refunded') and order_id is not null and {not_future}
    group by order_id
    having count_if(event_type = 'order_completed') > 0
),

orders_netted as (
    select
        customer_id,
        ordered_at,
        cast(ordered_at as date) as ordered_on,
        gross_revenue,
        discount_amount,
        least(refund_requested, gross_revenue) as refunded_revenue,
        gross_revenue - least(refund_requested, gross_revenue) as net_revenue,
        refund_count > 0 and refund_requested >= gross_revenue as is_fully_refunded
    from orders
),

-- per customer and UTC day: orders, and the purchase day (int_customer_purchase_days)
order_days as (
    select
        customer_id,
        ordered_on,
        count_if(not is_fully_refunded) as purchases,
        count_if(is_fully_refunded) as refunded_orders,
        count_if(discount_amount > 0 and not is_fully_refunded) as discounted_orders,
        sum(gross_revenue) as gross_revenue,
        sum(refunded_revenue) as refunded_revenue,
        sum(net_revenue) as net_revenue,  -- a fully refunded order nets exactly 0
        sum(discount_amount) as discount_amount,
        min(ordered_at) filter (where not is_fully_refunded) as first_order_at,
        max(ordered_at) filter (where not is_fully_refunded) as last_order_at
    from orders_netted
    group by customer_id, ordered_on
),

order_summary as (
    select
        customer_id,
        sum(purchases) as order_count,
        sum(refunded_orders) as refunded_order_count,
        sum(discounted_orders) as discounted_order_count,
        sum(gross_revenue) as gross_revenue,
        sum(refunded_revenue) as refunded_revenue,
        sum(net_revenue) as net_revenue,
        sum(discount_amount) as discount_amount,
        min(first_order_at) as first_order_at,
        max(last_order_at) as last_order_at,
        count_if(purchases > 0) as distinct_purchase_days,
        min(ordered_on) filter (where purchases > 0) as first_purchase_on,
        max(ordered_on) filter (where purchases > 0) as last_purchase_on,
        sum(net_revenue) filter (where purchases > 0)
            - arg_min(net_revenue, ordered_on) filter (where purchases > 0) as repeat_day_revenue
    from order_days
    group by customer_id
),

facts as (
    select
        coalesce(customers.customer_id, activity.customer_id) as customer_id,
        customers.country,
        customers.acquisition_channel,
        coalesce(customers.is_from_customer_source, false) as is_from_customer_source,
        customers.signed_up_at,
        activity.first_seen_at,
        activity.last_seen_at,
        order_summary.first_order_at,
        order_summary.last_order_at,
        order_summary.first_purchase_on,
        order_summary.last_purchase_on,
        as_of.as_of_date,
        coalesce(activity.event_count, 0) as event_count,
        coalesce(activity.session_count, 0) as session_count,
        coalesce(activity.active_days, 0) as active_days,
        coalesce(activity.page_view_count, 0) as page_view_count,
        coalesce(activity.product_view_count, 0) as product_view_count,
        coalesce(activity.add_to_cart_count, 0) as add_to_cart_count,
        coalesce(activity.checkout_count, 0) as checkout_count,
        coalesce(activity.email_sent_count, 0) as email_sent_count,
        coalesce(activity.email_open_count, 0) as email_open_count,
        coalesce(activity.email_click_count, 0) as email_click_count,
        coalesce(activity.app_open_count, 0) as app_open_count,
        coalesce(activity.review_count, 0) as review_count,
        coalesce(activity.referral_count, 0) as referral_count,
        coalesce(order_summary.order_count, 0) as order_count,
        coalesce(order_summary.refunded_order_count, 0) as refunded_order_count,
        coalesce(order_summary.discounted_order_count, 0) as discounted_order_count,
        coalesce(order_summary.distinct_purchase_days, 0) as distinct_purchase_days,
        coalesce(order_summary.gross_revenue, 0) as gross_revenue,
        coalesce(order_summary.refunded_revenue, 0) as refunded_revenue,
        coalesce(order_summary.net_revenue, 0) as net_revenue,
        coalesce(order_summary.discount_amount, 0) as discount_amount,
        order_summary.repeat_day_revenue,
        -- the earlier of sign-up and first event (least() skips NULLs)
        cast(least(customers.signed_up_at, activity.first_seen_at) as date) as first_known_on
    from customers
    full join activity
        on customers.customer_id = activity.customer_id
    cross join as_of
    left join order_summary
        on coalesce(customers.customer_id, activity.customer_id) = order_summary.customer_id
    -- a customer counts once signed up by the as-of date (or without a
    -- sign-up time), or with any event
    where activity.customer_id is not null
        or customers.signed_up_at is null
        or cast(customers.signed_up_at as date) <= as_of.as_of_date
),

-- int_customers_rfm_scored, method hybrid: R and M by percent rank among
-- buyers (integer division gives exactly floor() of the model's double
-- division), F by the order-count cut points {list(RFM_FREQUENCY_THRESHOLDS)}.
scored as (
    select
        customer_id,
        cast(date_diff('day', last_purchase_on, as_of_date) as integer) as recency_days,
        cast(order_count as bigint) as frequency,
        cast(net_revenue as decimal(18, 2)) as monetary,
        cast(case
            when min(last_purchase_on) over () = max(last_purchase_on) over () then {middle}
            else least({bins}, 1 + ({bins} * (rank() over (order by last_purchase_on asc) - 1))
                                    // (count(*) over () - 1))
        end as integer) as r_score,
        cast({frequency_points} as integer) as f_score,
        cast(case
            when min(net_revenue) over () = max(net_revenue) over () then {middle}
            else least({bins}, 1 + ({bins} * (rank() over (order by net_revenue asc) - 1))
                                    // (count(*) over () - 1))
        end as integer) as m_score
    from facts
    where order_count > 0
),

-- seeds rfm_segment_map ({RFM_SEGMENT_MAP}) and segment_definitions, one row per score cell
segment_cells as (
        {_segment_cells(segment_map_csv, segment_definitions_csv)}
),

rfm as (
    select
        scored.*,
        cast(r_score as varchar) || '-' || cast(f_score as varchar) || '-' || cast(m_score as varchar) as rfm_cell,
        segment_cells.rfm_segment,
        segment_cells.recommended_action
    from scored
    left join segment_cells
        on segment_cells.cell = scored.r_score * 100 + scored.f_score * 10 + scored.m_score
)

select
    ----------  customer_facts
    facts.customer_id,
    facts.country,
    facts.acquisition_channel,
    facts.is_from_customer_source,
    facts.order_count > 0 as is_buyer,
    cast(facts.order_count as bigint) as order_count,
    cast(facts.refunded_order_count as bigint) as refunded_order_count,
    cast(facts.discounted_order_count as bigint) as discounted_order_count,
    cast(facts.distinct_purchase_days as bigint) as distinct_purchase_days,
    cast(facts.gross_revenue as decimal(18, 2)) as gross_revenue,
    cast(facts.refunded_revenue as decimal(18, 2)) as refunded_revenue,
    cast(facts.net_revenue as decimal(18, 2)) as net_revenue,
    cast(facts.discount_amount as decimal(18, 2)) as discount_amount,
    case when facts.order_count > 0
        then cast(facts.net_revenue as double) / facts.order_count end as average_order_value,
    cast(date_diff('day', facts.first_known_on, facts.as_of_date) as integer) as tenure_days,
    cast(date_diff('day', facts.last_purchase_on, facts.as_of_date) as integer) as days_since_last_order,
    case when facts.distinct_purchase_days > 1
        then cast(date_diff('day', facts.first_purchase_on, facts.last_purchase_on) as double)
            / (facts.distinct_purchase_days - 1) end as mean_days_between_purchases,
    cast(case when facts.distinct_purchase_days > 0 then facts.distinct_purchase_days - 1 end as bigint)
        as btyd_frequency,
    cast(date_diff('day', facts.first_purchase_on, facts.last_purchase_on) as integer) as btyd_recency,
    cast(date_diff('day', facts.first_purchase_on, facts.as_of_date) as integer) as btyd_t,
    case
        when facts.distinct_purchase_days > 1
            then cast(facts.repeat_day_revenue as double) / (facts.distinct_purchase_days - 1)
        when facts.distinct_purchase_days = 1 then 0
    end as btyd_monetary_value,
    cast(facts.event_count as bigint) as event_count,
    cast(facts.session_count as bigint) as session_count,
    cast(facts.active_days as bigint) as active_days,
    cast(facts.page_view_count as bigint) as page_view_count,
    cast(facts.product_view_count as bigint) as product_view_count,
    cast(facts.add_to_cart_count as bigint) as add_to_cart_count,
    cast(facts.checkout_count as bigint) as checkout_count,
    cast(facts.email_sent_count as bigint) as email_sent_count,
    cast(facts.email_open_count as bigint) as email_open_count,
    cast(facts.email_click_count as bigint) as email_click_count,
    cast(facts.app_open_count as bigint) as app_open_count,
    cast(facts.review_count as bigint) as review_count,
    cast(facts.referral_count as bigint) as referral_count,
    facts.signed_up_at,
    facts.first_seen_at,
    facts.last_seen_at,
    facts.first_order_at,
    facts.last_order_at,
    facts.as_of_date,
    ----------  customer_rfm (NULL for customers who never bought)
    rfm.recency_days,
    rfm.frequency,
    rfm.monetary,
    rfm.r_score,
    rfm.f_score,
    rfm.m_score,
    rfm.rfm_cell,
    case when rfm.customer_id is not null then '{RFM_SCORING_METHOD}' end as scoring_method,
    case when rfm.customer_id is not null then '{RFM_SEGMENT_MAP}' end as segment_map,
    rfm.rfm_segment,
    rfm.recommended_action
from facts
left join rfm
    on facts.customer_id = rfm.customer_id
"""


def run(con, events_path: str, customers_path: str | None, segment_map_csv: str) -> tuple[float, int]:
    """Execute ``create or replace table handwritten_rfm as <query>`` on the
    DuckDB connection ``con``; return (seconds taken by that statement, rows)."""
    sql = "create or replace table handwritten_rfm as " + rfm_core_sql(events_path, customers_path, segment_map_csv)
    started = time.perf_counter()
    con.execute(sql)
    seconds = time.perf_counter() - started
    rows = con.execute("select count(*) from handwritten_rfm").fetchone()[0]
    return seconds, rows
