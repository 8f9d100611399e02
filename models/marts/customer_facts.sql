{#- One row per customer known on the as-of date: what they bought, when, how
    often, how much, and how they engage. Purchases are orders that were not
    fully refunded; revenue is net of refunds recorded by the as-of date. -#}

with

customers as (

    select * from {{ ref('stg_raw__customers') }}

),

orders as (

    select * from {{ ref('int_orders_netted') }}

),

purchase_days as (

    select * from {{ ref('int_customer_purchase_days') }}

),

customer_days as (

    select * from {{ ref('int_customer_days') }}

),

as_of as (

    select * from {{ ref('int_as_of_date') }}

),

activity as (

    select
        customer_days.customer_id,
        min(customer_days.first_event_at) as first_seen_at,
        max(customer_days.last_event_at) as last_seen_at,
        sum(customer_days.event_count) as event_count,
        {%- for column in customer_day_event_counts().values() if column != 'order_line_count' %}
        sum(customer_days.{{ column }}) as {{ column }},
        {%- endfor %}
        sum(customer_days.started_session_count) as session_count,
        count(*) as active_days

    from customer_days
    inner join as_of
        on customer_days.occurred_on <= as_of.as_of_date
    group by customer_days.customer_id

),

order_summary as (

    select
        customer_id,
        sum(case when is_fully_refunded then 0 else 1 end) as order_count,
        sum(case when is_fully_refunded then 1 else 0 end) as refunded_order_count,
        sum(case when is_discounted and not is_fully_refunded then 1 else 0 end) as discounted_order_count,
        sum(gross_revenue) as gross_revenue,
        sum(refunded_revenue) as refunded_revenue,
        sum(net_revenue) as net_revenue,
        sum(discount_amount) as discount_amount,
        min(case when not is_fully_refunded then ordered_at end) as first_order_at,
        max(case when not is_fully_refunded then ordered_at end) as last_order_at

    from orders
    group by customer_id

),

purchase_days_numbered as (

    select
        customer_id,
        purchased_on,
        net_revenue,
        row_number() over (partition by customer_id order by purchased_on) as purchase_day_number

    from purchase_days

),

purchase_day_summary as (

    select
        customer_id,
        count(*) as distinct_purchase_days,
        min(purchased_on) as first_purchase_on,
        max(purchased_on) as last_purchase_on,
        sum(case when purchase_day_number > 1 then net_revenue else 0 end) as repeat_day_revenue

    from purchase_days_numbered
    group by customer_id

),

customer_ids as (

    select customers.customer_id
    from customers
    cross join as_of
    where
        customers.signed_up_at is null
        or cast(customers.signed_up_at as date) <= as_of.as_of_date

    union

    select customer_id from activity

),

joined as (

    select
        customer_ids.customer_id,
        customers.country,
        customers.acquisition_channel,
        coalesce(customers.is_from_customer_source, false) as is_from_customer_source,
        customers.signed_up_at,
        activity.first_seen_at,
        activity.last_seen_at,
        order_summary.first_order_at,
        order_summary.last_order_at,
        purchase_day_summary.first_purchase_on,
        purchase_day_summary.last_purchase_on,
        as_of.as_of_date,
        coalesce(activity.event_count, 0) as event_count,
        coalesce(activity.session_count, 0) as session_count,
        coalesce(activity.active_days, 0) as active_days,
        coalesce(activity.page_view_count, 0) as page_view_count,
        coalesce(activity.product_view_count, 0) as product_view_count,
        coalesce(activity.add_to_cart_count, 0) as add_to_cart_count,
        coalesce(activity.checkout_count, 0) as checkout_count,
        coalesce(activity.email_sent_count, 0) as email_sent_count,
        coalesce(activity.email_open_count, 0) as email_open_count,
        coalesce(activity.email_click_count, 0) as email_click_count,
        coalesce(activity.app_open_count, 0) as app_open_count,
        coalesce(activity.review_count, 0) as review_count,
        coalesce(activity.referral_count, 0) as referral_count,
        coalesce(order_summary.order_count, 0) as order_count,
        coalesce(order_summary.refunded_order_count, 0) as refunded_order_count,
        coalesce(order_summary.discounted_order_count, 0) as discounted_order_count,
        coalesce(purchase_day_summary.distinct_purchase_days, 0) as distinct_purchase_days,
        coalesce(order_summary.gross_revenue, 0) as gross_revenue,
        coalesce(order_summary.refunded_revenue, 0) as refunded_revenue,
        coalesce(order_summary.net_revenue, 0) as net_revenue,
        coalesce(order_summary.discount_amount, 0) as discount_amount,
        purchase_day_summary.repeat_day_revenue,
        case
            when customers.signed_up_at is null then cast(activity.first_seen_at as date)
            when activity.first_seen_at is null then cast(customers.signed_up_at as date)
            when customers.signed_up_at < activity.first_seen_at then cast(customers.signed_up_at as date)
            else cast(activity.first_seen_at as date)
        end as first_known_on

    from customer_ids
    cross join as_of
    left join customers
        on customer_ids.customer_id = customers.customer_id
    left join activity
        on customer_ids.customer_id = activity.customer_id
    left join order_summary
        on customer_ids.customer_id = order_summary.customer_id
    left join purchase_day_summary
        on customer_ids.customer_id = purchase_day_summary.customer_id

),

final as (

    select
        ----------  ids
        customer_id,

        ----------  attributes
        country,
        acquisition_channel,
        is_from_customer_source,
        order_count > 0 as is_buyer,

        ----------  order counts
        cast(order_count as {{ dbt.type_bigint() }}) as order_count,
        cast(refunded_order_count as {{ dbt.type_bigint() }}) as refunded_order_count,
        cast(discounted_order_count as {{ dbt.type_bigint() }}) as discounted_order_count,
        cast(distinct_purchase_days as {{ dbt.type_bigint() }}) as distinct_purchase_days,

        ----------  revenue
        cast(gross_revenue as {{ type_money() }}) as gross_revenue,
        cast(refunded_revenue as {{ type_money() }}) as refunded_revenue,
        cast(net_revenue as {{ type_money() }}) as net_revenue,
        cast(discount_amount as {{ type_money() }}) as discount_amount,
        case
            when order_count > 0
                then cast(net_revenue as {{ type_double() }}) / order_count
        end as average_order_value,

        ----------  time
        {{ days_between('first_known_on', 'as_of_date') }} as tenure_days,
        {{ days_between('last_purchase_on', 'as_of_date') }} as days_since_last_order,
        case
            when distinct_purchase_days > 1
                then cast({{ days_between('first_purchase_on', 'last_purchase_on') }} as {{ type_double() }})
                    / (distinct_purchase_days - 1)
        end as mean_days_between_purchases,

        ----------  buy-till-you-die summary (lifetimes, freq='D')
        cast(case when distinct_purchase_days > 0 then distinct_purchase_days - 1 end as {{ dbt.type_bigint() }})
            as btyd_frequency,
        {{ days_between('first_purchase_on', 'last_purchase_on') }} as btyd_recency,
        {{ days_between('first_purchase_on', 'as_of_date') }} as btyd_t,
        case
            when distinct_purchase_days > 1
                then cast(repeat_day_revenue as {{ type_double() }}) / (distinct_purchase_days - 1)
            when distinct_purchase_days = 1 then 0
        end as btyd_monetary_value,

        ----------  engagement
        cast(event_count as {{ dbt.type_bigint() }}) as event_count,
        cast(session_count as {{ dbt.type_bigint() }}) as session_count,
        cast(active_days as {{ dbt.type_bigint() }}) as active_days,
        cast(page_view_count as {{ dbt.type_bigint() }}) as page_view_count,
        cast(product_view_count as {{ dbt.type_bigint() }}) as product_view_count,
        cast(add_to_cart_count as {{ dbt.type_bigint() }}) as add_to_cart_count,
        cast(checkout_count as {{ dbt.type_bigint() }}) as checkout_count,
        cast(email_sent_count as {{ dbt.type_bigint() }}) as email_sent_count,
        cast(email_open_count as {{ dbt.type_bigint() }}) as email_open_count,
        cast(email_click_count as {{ dbt.type_bigint() }}) as email_click_count,
        cast(app_open_count as {{ dbt.type_bigint() }}) as app_open_count,
        cast(review_count as {{ dbt.type_bigint() }}) as review_count,
        cast(referral_count as {{ dbt.type_bigint() }}) as referral_count,

        ----------  timestamps
        signed_up_at,
        first_seen_at,
        last_seen_at,
        first_order_at,
        last_order_at,
        as_of_date

    from joined

)

select * from final
