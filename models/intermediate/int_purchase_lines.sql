{#- One row per order_completed line of a purchase (an order on or before the
    as-of date that was not fully refunded), attributed to the order's customer:
    what was bought, at which list price. -#}

with

events as (

    select * from {{ ref('int_events_observed') }}

),

orders as (

    select * from {{ ref('int_orders_netted') }}

),

purchases as (

    select * from orders
    where not is_fully_refunded

),

final as (

    select
        ----------  ids
        events.event_id,
        purchases.order_id,
        purchases.customer_id,
        events.product_id,

        ----------  categories
        events.category,

        ----------  numerics
        events.revenue,
        events.discount_amount,
        events.quantity,
        {{ safe_divide('events.revenue + coalesce(events.discount_amount, 0)',
                       'coalesce(nullif(events.quantity, 0), 1)') }} as unit_list_price,

        ----------  timestamps
        purchases.ordered_on

    from events
    inner join purchases
        on events.order_id = purchases.order_id
    where events.event_type = 'order_completed'

)

select * from final
