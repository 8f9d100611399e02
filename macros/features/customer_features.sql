{#- Every feature a segment rule reads, for every customer known at each date
    of `as_of_dates` (a CTE with as_of_date and period_start, the start of
    the history period holding the date): int_customer_features (the current
    as-of date) and int_customer_period_end_features (the end of every
    completed history period). From the customer-days (int_customer_days)
    and the orders netted as of each date: at the current as-of date
    int_orders_netted and int_purchase_lines, at an earlier date the same
    rules (netted_orders, purchase_lines) over the events observed by then.
    One row per as_of_date and customer. Its CTE names differ from the
    calling model's (Spark refuses a name defined both outside and inside).
    with_preferred_hour: false leaves
    preferred_hour NULL (an attribute, not read by any rule). -#}
{% macro customer_features(as_of_dates, with_preferred_hour=true) -%}
    with

    current_as_of as (

        select * from {{ ref('int_as_of_date') }}

    ),

    events as {{ inline_cte() }} (

        select * from {{ ref('int_events_observed') }}

    ),

    current_orders as (

        select * from {{ ref('int_orders_netted') }}

    ),

    current_lines as (

        select * from {{ ref('int_purchase_lines') }}

    ),

    customer_days as (

        select * from {{ ref('int_customer_days') }}

    ),

    multiday_session_days as (

        select * from {{ ref('int_multiday_session_days') }}

    ),

    customers as (

        select * from {{ ref('stg_raw__customers') }}

    ),

    occasion_calendar as (

        select * from {{ ref('occasion_calendar') }}

    ),

    earlier_as_of_dates as (

        select as_of_dates.as_of_date
        from {{ as_of_dates }} as as_of_dates
        cross join current_as_of
        where as_of_dates.as_of_date < current_as_of.as_of_date

    ),

    ----------  orders and purchase lines as of each date
    -- An order whose every line and refund is on or before a date is, as of
    -- that date, what it is now (int_orders_netted, int_purchase_lines). Only
    -- the others (a refund or a late line after the date) are netted again
    -- from their events observed by then (netted_orders, purchase_lines).

    order_events as {{ inline_cte() }} (

        select * from events
        where event_type in ('order_completed', 'order_refunded') and order_id is not null

    ),

    order_spans as (

        select
            current_orders.order_id,
            current_orders.ordered_on,
            max(order_events.occurred_on) as last_event_on

        from current_orders
        inner join order_events
            on current_orders.order_id = order_events.order_id
        group by current_orders.order_id, current_orders.ordered_on

    ),

    settled_orders as (

        select
            earlier_as_of_dates.as_of_date,
            order_spans.order_id

        from order_spans
        inner join earlier_as_of_dates
            on order_spans.last_event_on <= earlier_as_of_dates.as_of_date

    ),

    unsettled_events as (

        select
            order_events.event_id,
            order_events.customer_id,
            order_events.order_id,
            order_events.product_id,
            order_events.event_type,
            order_events.category,
            order_events.revenue,
            order_events.discount_amount,
            order_events.quantity,
            order_events.occurred_at,
            earlier_as_of_dates.as_of_date

        from order_spans
        inner join earlier_as_of_dates
            on order_spans.ordered_on <= earlier_as_of_dates.as_of_date
                and order_spans.last_event_on > earlier_as_of_dates.as_of_date
        inner join order_events
            on order_spans.order_id = order_events.order_id
                and order_events.occurred_on <= earlier_as_of_dates.as_of_date

    ),

    unsettled_orders as (

        {{ netted_orders('unsettled_events') }}

    ),

    orders as (

        select
            {%- for column in netted_order_columns() if column != 'as_of_date' %}
            current_orders.{{ column }},
            {%- endfor %}
            settled_orders.as_of_date

        from current_orders
        inner join settled_orders
            on current_orders.order_id = settled_orders.order_id

        union all

        select * from unsettled_orders

        union all

        select * from current_orders

    ),

    lines as (

        select
            {%- for column in purchase_line_columns() if column != 'as_of_date' %}
            current_lines.{{ column }},
            {%- endfor %}
            settled_orders.as_of_date

        from current_lines
        inner join settled_orders
            on current_lines.order_id = settled_orders.order_id

        union all

        {{ purchase_lines('unsettled_events', 'unsettled_orders') }}

        union all

        select * from current_lines

    ),

    ----------  features

    purchase_features as (

        {{ customer_purchase_features('orders', 'lines', 'customers', 'occasion_calendar', as_of_dates) }}

    ),

    activity_features as (

        {{ customer_activity_features('customer_days', 'multiday_session_days', as_of_dates, with_preferred_hour) }}

    ),

    known_customers as (

        select
            as_of_dates.as_of_date,
            customers.customer_id

        from customers
        inner join {{ as_of_dates }} as as_of_dates
            on customers.signed_up_at is null or cast(customers.signed_up_at as date) <= as_of_dates.as_of_date

        union

        select
            as_of_date,
            customer_id

        from activity_features

    ),

    joined_features as (

        {{ customer_features_joined('known_customers', as_of_dates, 'customers', 'purchase_features',
                                    'activity_features') }}

    )

    select * from joined_features
{%- endmacro %}
