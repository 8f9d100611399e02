{#- One row per customer with at least one purchase on the as-of date: how
    regularly they buy (gaps between purchase days), when (recurring occasions
    of the seed occasion_calendar, birthday month), and what they pay for
    products against the category's median price. -#}

with

purchase_days as (

    select * from {{ ref('int_customer_purchase_days') }}

),

orders as (

    select * from {{ ref('int_orders_netted') }}

),

purchase_lines as (

    select * from {{ ref('int_purchase_lines') }}

),

occasion_calendar as (

    select * from {{ ref('occasion_calendar') }}

),

customers as (

    select * from {{ ref('stg_raw__customers') }}

),

as_of as (

    select * from {{ ref('int_as_of_date') }}

),

purchases as (

    select * from orders
    where not is_fully_refunded

),

----------  cadence: gaps between consecutive purchase days

previous_days as (

    select
        customer_id,
        purchased_on,
        lag(purchased_on) over (partition by customer_id order by purchased_on) as previous_purchased_on,
        row_number() over (partition by customer_id order by purchased_on desc) as days_from_last

    from purchase_days

),

gaps as (

    select
        previous_days.customer_id,
        previous_days.days_from_last,
        {{ days_between('previous_days.previous_purchased_on', 'previous_days.purchased_on') }} as gap_days,
        {{ days_between('previous_days.purchased_on', 'as_of.as_of_date') }} as days_before_as_of

    from previous_days
    cross join as_of

),

gap_summary as (

    select
        customer_id,
        max(
            case
                when days_before_as_of >= {{ var('kpi_retention_window_days') }}
                    and days_before_as_of < 2 * {{ var('kpi_retention_window_days') }}
                    then 1
                else 0
            end
        ) as purchased_in_previous_window,
        max(
            case when days_before_as_of < {{ var('kpi_retention_window_days') }} then 1 else 0 end
        ) as purchased_in_last_window,
        max(case when days_from_last = 1 then gap_days end) as last_gap_days,
        avg(case when days_from_last > 1 then cast(gap_days as {{ type_double() }}) end) as prior_mean_gap_days,
        count(gap_days) as gap_count

    from gaps
    group by customer_id

),

----------  occasions and birthday month

purchase_dates as (

    select
        purchases.customer_id,
        purchases.ordered_on,
        {{ month_of_year('purchases.ordered_on') }} * 100 + {{ day_of_month('purchases.ordered_on') }} as month_day,
        case
            when {{ month_of_year('purchases.ordered_on') }} = {{ month_of_year('customers.birth_date') }}
                then 1
            else 0
        end as is_birthday_month

    from purchases
    left join customers
        on purchases.customer_id = customers.customer_id

),

occasion_purchases as (

    select
        purchase_dates.customer_id,
        occasion_calendar.occasion,
        count(*) as purchase_count

    from purchase_dates
    inner join occasion_calendar
        on purchase_dates.month_day
            between occasion_calendar.start_month * 100 + occasion_calendar.start_day
            and occasion_calendar.end_month * 100 + occasion_calendar.end_day
    group by purchase_dates.customer_id, occasion_calendar.occasion

),

occasion_ranked as (

    select
        customer_id,
        occasion,
        purchase_count,
        row_number() over (
            partition by customer_id
            order by purchase_count desc, {{ text_sort_key('occasion') }} asc
        ) as occasion_rank

    from occasion_purchases

),

date_summary as (

    select
        customer_id,
        count(*) as purchase_count,
        sum(is_birthday_month) as birthday_month_purchase_count

    from purchase_dates
    group by customer_id

),

----------  price paid against the category median

category_prices as (

    select
        category,
        {{ median_aggregate('unit_list_price') }} as median_unit_price

    from purchase_lines
    where category is not null
    group by category

),

price_summary as (

    select
        purchase_lines.customer_id,
        avg(
            cast(purchase_lines.unit_list_price as {{ type_double() }})
            / cast(category_prices.median_unit_price as {{ type_double() }})
        ) as price_ratio

    from purchase_lines
    inner join category_prices
        on purchase_lines.category = category_prices.category
    where category_prices.median_unit_price > 0
    group by purchase_lines.customer_id

),

category_spend as (

    select
        customer_id,
        category,
        sum(revenue) as category_revenue

    from purchase_lines
    where category is not null
    group by customer_id, category

),

category_ranked as (

    select
        customer_id,
        category,
        row_number() over (
            partition by customer_id
            order by category_revenue desc, {{ text_sort_key('category') }} asc
        ) as category_rank

    from category_spend

),

final as (

    select
        date_summary.customer_id,
        gap_summary.last_gap_days,
        gap_summary.prior_mean_gap_days,
        gap_summary.gap_count,
        occasion_ranked.occasion as top_occasion,
        coalesce(occasion_ranked.purchase_count, 0) as top_occasion_purchase_count,
        cast(coalesce(occasion_ranked.purchase_count, 0) as {{ type_double() }})
        / date_summary.purchase_count as top_occasion_share,
        date_summary.birthday_month_purchase_count,
        price_summary.price_ratio,
        category_ranked.category as top_category,
        gap_summary.purchased_in_previous_window = 1 as purchased_in_previous_window,
        gap_summary.purchased_in_last_window = 1 as purchased_in_last_window

    from date_summary
    left join gap_summary
        on date_summary.customer_id = gap_summary.customer_id
    left join occasion_ranked
        on date_summary.customer_id = occasion_ranked.customer_id
            and occasion_ranked.occasion_rank = 1
    left join price_summary
        on date_summary.customer_id = price_summary.customer_id
    left join category_ranked
        on date_summary.customer_id = category_ranked.customer_id
            and category_ranked.category_rank = 1

)

select * from final
