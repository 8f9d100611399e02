{#- One row per acquisition cohort (the UTC calendar month of its customers'
    first purchase, int_customer_purchase_months) and month since that first
    purchase, from month 0 up to the month of the as-of date, also for months
    in which nobody of the cohort bought: the grid cohort_retention fills. The
    as-of month is complete only when the as-of date is its last day. -#}

with

customer_months as (

    select * from {{ ref('int_customer_purchase_months') }}

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

-- every buyer has exactly one row in month 0, the month of their first purchase
cohorts as (

    select
        cohort_month,
        count(*) as cohort_size

    from customer_months
    where months_since_first_purchase = 0
    group by cohort_month

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

final as (

    select
        ----------  cohort and month
        cohort_spans.cohort_month,
        cast(numbers.month_offset as {{ dbt.type_int() }}) as months_since_first_purchase,

        ----------  customers
        cohort_spans.cohort_size,

        ----------  completeness
        numbers.month_offset < cohort_spans.months_to_as_of_date
        or cohort_spans.is_as_of_month_complete
            as is_complete_month,

        ----------  dates
        cohort_spans.as_of_date

    from cohort_spans
    inner join numbers
        on cohort_spans.months_to_as_of_date >= numbers.month_offset

)

select * from final
