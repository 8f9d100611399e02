{#- One row per acquisition cohort (the UTC calendar month of a customer's
    first purchase) and month since that first purchase, from month 0 up to the
    month of the as-of date, including months in which nobody of the cohort
    bought. A purchase is an order not fully refunded. Months are calendar
    months: a purchase on the last second of January and one on the first
    second of February are one month apart. -#}

with

orders as (

    select * from {{ ref('int_orders_netted') }}

),

as_of as (

    select * from {{ ref('int_as_of_date') }}

),

digits as (

    select 0 as digit
    union all
    select 1
    union all
    select 2
    union all
    select 3
    union all
    select 4
    union all
    select 5
    union all
    select 6
    union all
    select 7
    union all
    select 8
    union all
    select 9

),

-- 0 .. 9999 months: far more than any span of history the warehouse holds
numbers as (

    select ones.digit + 10 * tens.digit + 100 * hundreds.digit + 1000 * thousands.digit as month_offset
    from digits as ones
    cross join digits as tens
    cross join digits as hundreds
    cross join digits as thousands

),

as_of_month as (

    select
        as_of_date,
        cast({{ dbt.date_trunc('month', 'cast(as_of_date as ' ~ dbt.type_timestamp() ~ ')') }} as date)
            as as_of_month_start,
        cast({{ dbt.dateadd('day', 1, 'cast(as_of_date as ' ~ dbt.type_timestamp() ~ ')') }} as date)
            as day_after_as_of_date

    from as_of

),

as_of_context as (

    select
        as_of_date,
        as_of_month_start,
        -- the as-of month is complete when the as-of date is its last day
        cast({{ dbt.date_trunc('month', 'cast(day_after_as_of_date as ' ~ dbt.type_timestamp() ~ ')') }} as date)
        > as_of_month_start as is_as_of_month_complete

    from as_of_month

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

cohorts as (

    select
        cohort_month,
        count(*) as cohort_size

    from first_purchases
    group by cohort_month

),

customer_months as (

    select
        first_purchases.cohort_month,
        purchases.customer_id,
        cast(
            {{ dbt.datediff('first_purchases.cohort_month', 'purchases.purchase_month', 'month') }}
            as {{ dbt.type_int() }}
        ) as months_since_first_purchase,
        sum(purchases.net_revenue) as revenue

    from purchases
    inner join first_purchases
        on purchases.customer_id = first_purchases.customer_id
    group by
        first_purchases.cohort_month,
        purchases.customer_id,
        purchases.purchase_month

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

cohort_spans as (

    select
        cohorts.cohort_month,
        cohorts.cohort_size,
        as_of_context.as_of_date,
        as_of_context.is_as_of_month_complete,
        cast(
            {{ dbt.datediff('cohorts.cohort_month', 'as_of_context.as_of_month_start', 'month') }}
            as {{ dbt.type_int() }}
        ) as months_to_as_of_date

    from cohorts
    cross join as_of_context

),

cohort_grid as (

    select
        cohort_spans.cohort_month,
        cohort_spans.cohort_size,
        cohort_spans.as_of_date,
        cohort_spans.months_to_as_of_date,
        cohort_spans.is_as_of_month_complete,
        cast(numbers.month_offset as {{ dbt.type_int() }}) as months_since_first_purchase

    from cohort_spans
    inner join numbers
        on cohort_spans.months_to_as_of_date >= numbers.month_offset

),

cohort_months as (

    select
        cohort_grid.cohort_month,
        cohort_grid.months_since_first_purchase,
        cohort_grid.cohort_size,
        coalesce(cohort_activity.active_customers, 0) as active_customers,
        cast(coalesce(cohort_activity.revenue, 0) as {{ type_money() }}) as revenue,
        cohort_grid.months_since_first_purchase < cohort_grid.months_to_as_of_date
        or cohort_grid.is_as_of_month_complete
            as is_complete_month,
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
