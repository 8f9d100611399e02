{#- One row per order_completed line of a purchase (an order on or before the
    as-of date that was not fully refunded), attributed to the order's customer:
    what was bought, at which list price. The rule is the macro purchase_lines
    (macros/features/purchase_features.sql), shared with int_customer_features. -#}

with

events as (

    select * from {{ ref('int_events_observed') }}

),

orders as (

    select * from {{ ref('int_orders_netted') }}

),

final as (

    {{ purchase_lines('events', 'orders') }}

)

select * from final
