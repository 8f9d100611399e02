{#- One row per acquisition cohort (the UTC calendar month of a customer's
    first purchase) and month since that first purchase, from month 0 up to the
    month of the as-of date, including months in which nobody of the cohort
    bought (the grid: int_cohort_month_grid). A purchase is an order not fully
    refunded; buyers' months: int_customer_purchase_months. Months are calendar
    months: a purchase on the last second of January and one on the first
    second of February are one month apart. -#}

with

cohort_grid as (

    select * from {{ ref('int_cohort_month_grid') }}

),

customer_months as (

    select * from {{ ref('int_customer_purchase_months') }}

),

cohort_activity as (

    select
        cohort_month,
        months_since_first_purchase,
        count(*) as active_customers,
        sum(revenue) as revenue

    from customer_months
    group by cohort_month, months_since_first_purchase

),

cohort_months as (

    select
        cohort_grid.cohort_month,
        cohort_grid.months_since_first_purchase,
        cohort_grid.cohort_size,
        coalesce(cohort_activity.active_customers, 0) as active_customers,
        cast(coalesce(cohort_activity.revenue, 0) as {{ type_money() }}) as revenue,
        cohort_grid.is_complete_month,
        cohort_grid.as_of_date

    from cohort_grid
    left join cohort_activity
        on
            cohort_grid.cohort_month = cohort_activity.cohort_month
            and cohort_grid.months_since_first_purchase = cohort_activity.months_since_first_purchase

),

final as (

    select
        ----------  cohort and month
        cohort_month,
        months_since_first_purchase,

        ----------  customers
        cast(cohort_size as {{ dbt.type_bigint() }}) as cohort_size,
        cast(active_customers as {{ dbt.type_bigint() }}) as active_customers,
        {{ safe_divide('active_customers', 'cohort_size') }} as retention_rate,

        ----------  revenue
        revenue,
        {{ safe_divide('revenue', 'cohort_size') }} as revenue_per_customer,
        {{ safe_divide(
            'sum(revenue) over (partition by cohort_month order by months_since_first_purchase'
            ~ ' rows between unbounded preceding and current row)',
            'cohort_size'
        ) }} as cumulative_revenue_per_customer,

        ----------  completeness
        is_complete_month,

        ----------  dates
        as_of_date

    from cohort_months

)

select * from final
