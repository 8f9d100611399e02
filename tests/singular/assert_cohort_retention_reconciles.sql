{#- cohort_retention reconciles with its inputs: every cohort retains all of
    its customers in month 0 and has exactly one row per month from 0 through
    the as-of month; month-0 cohort sizes add up to the buyers of customer_facts;
    revenue adds up to the net revenue of all purchases. Returns one row per
    broken rule. -#}

with

cohort_retention as (

    select * from {{ ref('cohort_retention') }}

),

customer_facts as (

    select * from {{ ref('customer_facts') }}

),

orders as (

    select * from {{ ref('int_orders_netted') }}

),

month_zero_not_retained as (

    select
        'month 0 retention is not 1 for cohort ' || cast(cohort_month as {{ dbt.type_string() }}) as failure
    from cohort_retention
    where
        months_since_first_purchase = 0
        and (active_customers != cohort_size or retention_rate != 1)

),

cohort_rows as (

    select
        cohort_month,
        count(*) as month_rows,
        min(months_since_first_purchase) as first_month,
        max(months_since_first_purchase) as last_month,
        min(as_of_date) as as_of_date
    from cohort_retention
    group by cohort_month

),

incomplete_grid as (

    select
        'cohort ' || cast(cohort_month as {{ dbt.type_string() }}) || ' does not cover months 0 to the as-of month'
            as failure
    from cohort_rows
    where
        first_month != 0
        or month_rows != last_month + 1
        or last_month != (
            cast(extract(year from as_of_date) as {{ dbt.type_int() }}) * 12
            + cast(extract(month from as_of_date) as {{ dbt.type_int() }})
            - cast(extract(year from cohort_month) as {{ dbt.type_int() }}) * 12
            - cast(extract(month from cohort_month) as {{ dbt.type_int() }})
        )

),

buyers as (

    select count(*) as buyers
    from customer_facts
    where order_count > 0

),

cohort_sizes as (

    select coalesce(sum(cohort_size), 0) as customers
    from cohort_retention
    where months_since_first_purchase = 0

),

buyers_mismatch as (

    select 'month-0 cohort sizes do not add up to the buyers of customer_facts' as failure
    from cohort_sizes
    cross join buyers
    where cohort_sizes.customers != buyers.buyers

),

purchase_revenue as (

    select coalesce(sum(net_revenue), 0) as revenue
    from orders
    where not is_fully_refunded

),

cohort_revenue as (

    select coalesce(sum(revenue), 0) as revenue
    from cohort_retention

),

revenue_mismatch as (

    select 'cohort revenue does not add up to the net revenue of purchases' as failure
    from cohort_revenue
    cross join purchase_revenue
    where cohort_revenue.revenue != purchase_revenue.revenue

)

select failure from month_zero_not_retained
union all
select failure from incomplete_grid
union all
select failure from buyers_mismatch
union all
select failure from revenue_mismatch
