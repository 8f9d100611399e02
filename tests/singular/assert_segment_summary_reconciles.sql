{#- Within every dimension, segment_summary's customers, orders and revenue add
    up to customer_facts: nobody is dropped or counted twice. -#}

with

summary as (

    select * from {{ ref('segment_summary') }}

),

customer_facts as (

    select * from {{ ref('customer_facts') }}

),

totals as (

    select
        count(*) as customers,
        sum(order_count) as orders,
        sum(net_revenue) as net_revenue
    from customer_facts

),

by_dimension as (

    select
        dimension,
        sum(customers) as customers,
        sum(orders) as orders,
        sum(net_revenue) as net_revenue
    from summary
    group by dimension

)

select
    by_dimension.dimension,
    by_dimension.customers,
    totals.customers as expected_customers
from by_dimension
cross join totals
where
    by_dimension.customers != totals.customers
    or by_dimension.orders != totals.orders
    or by_dimension.net_revenue != totals.net_revenue
