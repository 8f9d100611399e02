{#- No model may count anything that happened after the as-of date. -#}

with

as_of as (
    select * from {{ ref('int_as_of_date') }}
),

late_events as (
    select
        'int_events_observed' as model_name,
        count(*) as late_rows
    from {{ ref('int_events_observed') }}
    cross join as_of
    where int_events_observed.occurred_on > as_of.as_of_date
),

late_orders as (
    select
        'int_orders_netted' as model_name,
        count(*) as late_rows
    from {{ ref('int_orders_netted') }}
    cross join as_of
    where int_orders_netted.ordered_on > as_of.as_of_date
),

late_facts as (
    select
        'customer_facts' as model_name,
        count(*) as late_rows
    from {{ ref('customer_facts') }}
    cross join as_of
    where
        cast(customer_facts.last_seen_at as date) > as_of.as_of_date
        or cast(customer_facts.last_order_at as date) > as_of.as_of_date
        or customer_facts.as_of_date != as_of.as_of_date
),

combined as (
    select * from late_events
    union all
    select * from late_orders
    union all
    select * from late_facts
)

select * from combined
where late_rows > 0
