{#- Every feature a segment rule reads, for every customer known at each date
    of `as_of_dates` (a CTE with as_of_date and period_start, the start of
    the history period holding the date): int_customer_features (the current
    as-of date) and int_customer_period_end_features (the end of every
    completed history period). From the customer-days (int_customer_days)
    and the orders netted as of each date: at the current as-of date
    int_orders_netted and int_purchase_lines, at an earlier date the same
    rules (netted_orders, purchase_lines) over the events observed by then.
    One row per as_of_date and customer. -#}
{% macro customer_features(as_of_dates) -%}
    with

    as_of as (

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
        cross join as_of
        where as_of_dates.as_of_date < as_of.as_of_date

    ),

    ----------  orders and purchase lines as of each date (the current date: int_orders_netted)

    earlier_events as {{ inline_cte() }} (

        select
            events.event_id,
            events.customer_id,
            events.order_id,
            events.product_id,
            events.event_type,
            events.category,
            events.revenue,
            events.discount_amount,
            events.quantity,
            events.occurred_at,
            earlier_as_of_dates.as_of_date

        from events
        inner join earlier_as_of_dates
            on events.occurred_on <= earlier_as_of_dates.as_of_date
        where events.event_type in ('order_completed', 'order_refunded')

    ),

    earlier_orders as {{ inline_cte() }} (

        {{ netted_orders('earlier_events') }}

    ),

    orders as (

        select * from earlier_orders
        union all
        select * from current_orders

    ),

    lines as (

        {{ purchase_lines('earlier_events', 'earlier_orders') }}
        union all
        select * from current_lines

    ),

    ----------  features

    purchase_features as (

        {{ customer_purchase_features('orders', 'lines', 'customers', 'occasion_calendar', as_of_dates) }}

    ),

    activity_features as (

        {{ customer_activity_features('customer_days', 'multiday_session_days', as_of_dates) }}

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

    final as (

        {{ customer_features_joined('known_customers', as_of_dates, 'customers', 'purchase_features',
                                    'activity_features') }}

    )

    select * from final
{%- endmacro %}
