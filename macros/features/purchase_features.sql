{#- Purchase features of every customer with an order, at each as-of date:
    the one implementation behind customer_facts, RFM, the segments and their
    history (models/intermediate/int_customer_features.sql).

    orders          netted orders (macro netted_orders) with as_of_date
    lines           purchase lines (macro purchase_lines) with as_of_date
    customers       stg_raw__customers (birth_date)
    occasions       the seed occasion_calendar
    as_of_dates     as_of_date and period_start (start of the history period
                    holding the as-of date)

    One row per as_of_date and customer with an order on or before it. -#}
{% macro customer_purchase_features(orders, lines, customers, occasions, as_of_dates) -%}
    {%- set window_days = var('kpi_retention_window_days') -%}
    with

    order_summary as (

        select
            orders.as_of_date,
            orders.customer_id,
            sum(case when orders.is_fully_refunded then 0 else 1 end) as order_count,
            sum(case when orders.is_fully_refunded then 1 else 0 end) as refunded_order_count,
            sum(case when orders.is_discounted and not orders.is_fully_refunded then 1 else 0 end)
                as discounted_order_count,
            sum(orders.gross_revenue) as gross_revenue,
            sum(orders.refunded_revenue) as refunded_revenue,
            sum(orders.net_revenue) as net_revenue,
            sum(orders.discount_amount) as discount_amount,
            sum(
                case
                    when not orders.is_fully_refunded and orders.ordered_on >= as_of_dates.period_start
                        then orders.net_revenue
                    else 0
                end
            ) as period_net_revenue,
            min(case when not orders.is_fully_refunded then orders.ordered_at end) as first_order_at,
            max(case when not orders.is_fully_refunded then orders.ordered_at end) as last_order_at

        from {{ orders }} as orders
        inner join {{ as_of_dates }} as as_of_dates
            on orders.as_of_date = as_of_dates.as_of_date
        group by orders.as_of_date, orders.customer_id

    ),

    purchases as (

        select * from {{ orders }}
        where not is_fully_refunded

    ),

    ----------  purchase days and the gaps between them

    purchase_days as (

        select
            as_of_date,
            customer_id,
            ordered_on as purchased_on,
            sum(net_revenue) as net_revenue

        from purchases
        group by as_of_date, customer_id, ordered_on

    ),

    purchase_days_ordered as (

        select
            as_of_date,
            customer_id,
            purchased_on,
            net_revenue,
            {{ days_between('purchased_on', 'as_of_date') }} as days_before_as_of,
            {{ days_between(
                'lag(purchased_on) over (partition by as_of_date, customer_id order by purchased_on)',
                'purchased_on') }} as gap_days,
            row_number() over (partition by as_of_date, customer_id order by purchased_on) as day_number,
            row_number() over (partition by as_of_date, customer_id order by purchased_on desc) as days_from_last

        from purchase_days

    ),

    purchase_day_summary as (

        select
            as_of_date,
            customer_id,
            count(*) as distinct_purchase_days,
            min(purchased_on) as first_purchase_on,
            max(purchased_on) as last_purchase_on,
            sum(case when day_number > 1 then net_revenue else 0 end) as repeat_day_revenue,
            max(case when days_from_last = 1 then gap_days end) as last_gap_days,
            avg(case when days_from_last > 1 then cast(gap_days as {{ type_double() }}) end) as prior_mean_gap_days,
            count(gap_days) as gap_count,
            max(
                case when days_before_as_of >= {{ window_days }} and days_before_as_of < 2 * {{ window_days }} then 1 else 0 end
            ) as purchased_in_previous_window,
            max(case when days_before_as_of < {{ window_days }} then 1 else 0 end) as purchased_in_last_window

        from purchase_days_ordered
        group by as_of_date, customer_id

    ),

    ----------  occasions and birthday month

    purchase_dates as (

        select
            purchases.as_of_date,
            purchases.customer_id,
            {{ month_of_year('purchases.ordered_on') }} * 100 + {{ day_of_month('purchases.ordered_on') }} as month_day,
            case
                when {{ month_of_year('purchases.ordered_on') }} = {{ month_of_year('customers.birth_date') }} then 1
                else 0
            end as is_birthday_month

        from purchases
        left join {{ customers }} as customers
            on purchases.customer_id = customers.customer_id

    ),

    occasion_purchases as (

        select
            purchase_dates.as_of_date,
            purchase_dates.customer_id,
            occasions.occasion,
            count(*) as purchase_count

        from purchase_dates
        inner join {{ occasions }} as occasions
            on purchase_dates.month_day
                between occasions.start_month * 100 + occasions.start_day
                and occasions.end_month * 100 + occasions.end_day
        group by purchase_dates.as_of_date, purchase_dates.customer_id, occasions.occasion

    ),

    occasion_ranked as (

        select
            as_of_date,
            customer_id,
            occasion,
            purchase_count,
            row_number() over (
                partition by as_of_date, customer_id
                order by purchase_count desc, {{ text_sort_key('occasion') }} asc
            ) as occasion_rank

        from occasion_purchases

    ),

    date_summary as (

        select
            as_of_date,
            customer_id,
            count(*) as purchase_count,
            sum(is_birthday_month) as birthday_month_purchase_count

        from purchase_dates
        group by as_of_date, customer_id

    ),

    ----------  price paid against the category median, top category

    category_prices as (

        select
            as_of_date,
            category,
            {{ median_aggregate('unit_list_price') }} as median_unit_price

        from {{ lines }}
        where category is not null
        group by as_of_date, category

    ),

    price_summary as (

        select
            lines.as_of_date,
            lines.customer_id,
            avg(
                cast(lines.unit_list_price as {{ type_double() }})
                / cast(category_prices.median_unit_price as {{ type_double() }})
            ) as price_ratio

        from {{ lines }} as lines
        inner join category_prices
            on lines.as_of_date = category_prices.as_of_date
                and lines.category = category_prices.category
        where category_prices.median_unit_price > 0
        group by lines.as_of_date, lines.customer_id

    ),

    category_ranked as (

        select
            as_of_date,
            customer_id,
            category,
            row_number() over (
                partition by as_of_date, customer_id
                order by sum(revenue) desc, {{ text_sort_key('category') }} asc
            ) as category_rank

        from {{ lines }}
        where category is not null
        group by as_of_date, customer_id, category

    )

    select
        order_summary.*,
        purchase_day_summary.distinct_purchase_days,
        purchase_day_summary.first_purchase_on,
        purchase_day_summary.last_purchase_on,
        purchase_day_summary.repeat_day_revenue,
        purchase_day_summary.last_gap_days,
        purchase_day_summary.prior_mean_gap_days,
        purchase_day_summary.gap_count,
        purchase_day_summary.purchased_in_previous_window = 1 as purchased_in_previous_window,
        purchase_day_summary.purchased_in_last_window = 1 as purchased_in_last_window,
        occasion_ranked.occasion as top_occasion,
        coalesce(occasion_ranked.purchase_count, 0) as top_occasion_purchase_count,
        cast(coalesce(occasion_ranked.purchase_count, 0) as {{ type_double() }})
        / date_summary.purchase_count as top_occasion_share,
        date_summary.birthday_month_purchase_count,
        price_summary.price_ratio,
        category_ranked.category as top_category

    from order_summary
    left join purchase_day_summary
        on order_summary.as_of_date = purchase_day_summary.as_of_date
            and order_summary.customer_id = purchase_day_summary.customer_id
    left join date_summary
        on order_summary.as_of_date = date_summary.as_of_date
            and order_summary.customer_id = date_summary.customer_id
    left join occasion_ranked
        on order_summary.as_of_date = occasion_ranked.as_of_date
            and order_summary.customer_id = occasion_ranked.customer_id
            and occasion_ranked.occasion_rank = 1
    left join price_summary
        on order_summary.as_of_date = price_summary.as_of_date
            and order_summary.customer_id = price_summary.customer_id
    left join category_ranked
        on order_summary.as_of_date = category_ranked.as_of_date
            and order_summary.customer_id = category_ranked.customer_id
            and category_ranked.category_rank = 1
{%- endmacro %}

{#- The order_completed lines of purchases (orders not refunded in full) at
    each as-of date, attributed to the order's customer, with the list price
    per unit. events: observed events with as_of_date; orders: netted orders
    with as_of_date. -#}
{% macro purchase_lines(events, orders) -%}
    select
        ----------  ids
        events.event_id,
        orders.order_id,
        orders.customer_id,
        events.product_id,

        ----------  categories
        events.category,

        ----------  numerics
        events.revenue,
        events.discount_amount,
        events.quantity,
        {{ safe_divide('events.revenue + coalesce(events.discount_amount, 0)',
                       'coalesce(nullif(events.quantity, 0), 1)') }} as unit_list_price,

        ----------  dates
        orders.ordered_on,
        orders.as_of_date

    from {{ events }} as events
    inner join {{ orders }} as orders
        on events.order_id = orders.order_id
            and events.as_of_date = orders.as_of_date
    where events.event_type = 'order_completed' and not orders.is_fully_refunded
{%- endmacro %}

{#- Known customers at each as-of date joined with their attributes and their
    purchase and activity features (zero counts where they have none), plus
    the features derived from them that the rules read: the final select of
    int_customer_features. -#}
{% macro customer_features_joined(known_customers, as_of_dates, customers, purchase_features, activity_features) -%}
    {%- set counts = ['order_count', 'refunded_order_count', 'discounted_order_count', 'distinct_purchase_days',
                      'top_occasion_purchase_count', 'birthday_month_purchase_count'] -%}
    {%- set money = ['gross_revenue', 'refunded_revenue', 'net_revenue', 'discount_amount', 'period_net_revenue'] -%}
    {%- set activity_counts = ['event_count', 'session_count', 'active_days'] + customer_day_counts().keys() | list
        + ['converted_session_count', 'activity_count', 'weekend_activity_count', 'window_activity_count',
           'window_session_count', 'window_app_open_count', 'window_email_sent_count', 'window_email_open_count',
           'window_email_click_count'] -%}
    select
        ----------  keys
        {{ known_customers }}.as_of_date,
        {{ known_customers }}.customer_id,
        {{ as_of_dates }}.period_start,

        ----------  attributes
        customers.country,
        customers.acquisition_channel,
        coalesce(customers.is_from_customer_source, false) as is_from_customer_source,
        customers.birth_date,

        ----------  orders
        {%- for column in counts %}
        cast(coalesce(purchases.{{ column }}, 0) as {{ dbt.type_bigint() }}) as {{ column }},
        {%- endfor %}
        {%- for column in money %}
        cast(coalesce(purchases.{{ column }}, 0) as {{ type_money() }}) as {{ column }},
        {%- endfor %}
        case
            when purchases.order_count > 0 then cast(purchases.net_revenue as {{ type_double() }}) / purchases.order_count
        end as average_order_value,
        cast(purchases.repeat_day_revenue as {{ type_money() }}) as repeat_day_revenue,
        cast(purchases.gap_count as {{ dbt.type_bigint() }}) as gap_count,
        purchases.last_gap_days,
        cast(purchases.prior_mean_gap_days as {{ type_double() }}) as prior_mean_gap_days,
        case
            when purchases.distinct_purchase_days > 1
                then cast({{ days_between('purchases.first_purchase_on', 'purchases.last_purchase_on') }}
                    as {{ type_double() }}) / (purchases.distinct_purchase_days - 1)
        end as mean_days_between_purchases,
        {{ days_between('purchases.last_purchase_on', known_customers ~ '.as_of_date') }} as days_since_last_order,
        {{ days_between('purchases.first_purchase_on', known_customers ~ '.as_of_date') }}
            as days_since_first_purchase,
        purchases.purchased_in_previous_window,
        purchases.purchased_in_last_window,
        cast(coalesce(purchases.top_occasion_share, 0) as {{ type_double() }}) as top_occasion_share,
        purchases.top_occasion,
        cast(purchases.price_ratio as {{ type_double() }}) as price_ratio,
        purchases.top_category,

        ----------  activity
        {%- for column in activity_counts %}
        cast(coalesce(activity.{{ column }}, 0) as {{ dbt.type_bigint() }}) as {{ column }},
        {%- endfor %}
        cast(activity.window_active_weeks as {{ dbt.type_int() }}) as window_active_weeks,
        cast(activity.preferred_hour as {{ dbt.type_int() }}) as preferred_hour,
        activity.preferred_daypart,

        ----------  timestamps
        customers.signed_up_at,
        activity.first_seen_at,
        activity.last_seen_at,
        purchases.first_order_at,
        purchases.last_order_at,
        purchases.first_purchase_on,
        purchases.last_purchase_on,
        case
            when customers.signed_up_at is null then cast(activity.first_seen_at as date)
            when activity.first_seen_at is null then cast(customers.signed_up_at as date)
            when customers.signed_up_at < activity.first_seen_at then cast(customers.signed_up_at as date)
            else cast(activity.first_seen_at as date)
        end as first_known_on

    from {{ known_customers }}
    inner join {{ as_of_dates }}
        on {{ known_customers }}.as_of_date = {{ as_of_dates }}.as_of_date
    left join {{ customers }} as customers
        on {{ known_customers }}.customer_id = customers.customer_id
    left join {{ purchase_features }} as purchases
        on {{ known_customers }}.as_of_date = purchases.as_of_date
            and {{ known_customers }}.customer_id = purchases.customer_id
    left join {{ activity_features }} as activity
        on {{ known_customers }}.as_of_date = activity.as_of_date
            and {{ known_customers }}.customer_id = activity.customer_id
{%- endmacro %}

{#- The columns of purchase_lines(), in order. -#}
{% macro purchase_line_columns() -%}
    {{ return(['event_id', 'order_id', 'customer_id', 'product_id', 'category', 'revenue', 'discount_amount',
               'quantity', 'unit_list_price', 'ordered_on', 'as_of_date']) }}
{%- endmacro %}
