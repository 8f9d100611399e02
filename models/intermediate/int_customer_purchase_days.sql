{#- One row per customer and UTC day with at least one purchase: an order that
    was not fully refunded. The grain of the buy-till-you-die summary. -#}

with

orders as (

    select * from {{ ref('int_orders_netted') }}

),

purchases as (

    select * from orders
    where not is_fully_refunded

),

final as (

    select
        customer_id,
        ordered_on as purchased_on,
        count(*) as order_count,
        cast(sum(net_revenue) as {{ type_money() }}) as net_revenue

    from purchases
    group by customer_id, ordered_on

)

select * from final
