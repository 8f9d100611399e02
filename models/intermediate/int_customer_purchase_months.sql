{#- One row per buyer and UTC calendar month with at least one purchase (an
    order not fully refunded), with the buyer's acquisition cohort: the month
    of their first purchase. Months are calendar months: a purchase on the last
    second of January and one on the first second of February are one month
    apart. -#}

with

orders as (

    select * from {{ ref('int_orders_netted') }}

),

purchases as (

    select
        customer_id,
        net_revenue,
        cast({{ dbt.date_trunc('month', 'ordered_at') }} as date) as purchase_month

    from orders
    where not is_fully_refunded

),

first_purchases as (

    select
        customer_id,
        min(purchase_month) as cohort_month

    from purchases
    group by customer_id

),

final as (

    select
        ----------  ids
        purchases.customer_id,

        ----------  cohort and month
        first_purchases.cohort_month,
        purchases.purchase_month,
        cast(
            {{ dbt.datediff('first_purchases.cohort_month', 'purchases.purchase_month', 'month') }}
            as {{ dbt.type_int() }}
        ) as months_since_first_purchase,

        ----------  revenue
        cast(sum(purchases.net_revenue) as {{ type_money() }}) as revenue

    from purchases
    inner join first_purchases
        on purchases.customer_id = first_purchases.customer_id
    group by
        first_purchases.cohort_month,
        purchases.customer_id,
        purchases.purchase_month

)

select * from final
