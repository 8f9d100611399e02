{#- One row per abandoned cart whose last cart event falls in the last
    cart_abandonment_lookback_days UTC days up to the as-of date. A cart is a
    customer's cart activity (add_to_cart, checkout_started) in one session; a
    cart event without a session is a cart of its own. A cart is abandoned when
    the customer completes no order (any session) from its last cart event to
    cart_abandonment_hours after it, and that window has closed by the end of
    the as-of date (carts too recent to judge are left out). Only customers
    consenting on the channel cart_abandonment_channel at the end of the as-of
    date are listed (int_customer_channel_consents); their email is published
    only as its salted hash (int_customer_emails_hashed). -#}
{%- set abandonment_hours = require_whole_number('cart_abandonment_hours', 1) -%}
{%- set lookback_days = require_whole_number('cart_abandonment_lookback_days', 1) -%}
{%- set channel = cart_abandonment_channel() -%}

with

events as (

    select * from {{ ref('int_events_observed') }}

),

as_of as (

    select * from {{ ref('int_as_of_date') }}

),

channel_consents as (

    select * from {{ ref('int_customer_channel_consents') }}

),

email_hashes as (

    select * from {{ ref('int_customer_emails_hashed') }}

),

-- customers who may be contacted on the audience's channel as of the as-of date
consenting_customers as (

    select customer_id
    from channel_consents
    where channel = '{{ channel }}' and is_consenting

),

as_of_bounds as (

    select
        as_of_date,
        cast({{ dbt.dateadd('day', 1, 'as_of_date') }} as {{ dbt.type_timestamp() }}) as as_of_ends_at,
        cast({{ dbt.dateadd('day', 1 - lookback_days, 'as_of_date') }} as date) as lookback_starts_on,
        cast({{ dbt.dateadd('day', 1 - lookback_days, 'as_of_date') }} as {{ dbt.type_timestamp() }})
            as lookback_starts_at

    from as_of

),

cart_activity as {{ inline_cte() }} (

    select
        customer_id,
        coalesce(session_id, event_id) as cart_id,
        session_id is null as is_sessionless,
        event_id,
        event_type,
        product_id,
        category,
        occurred_at

    from events
    where {{ activation_event_type_in('event_type', activation_cart_event_types()) }}

),

-- carts with an event on or after the first day of the lookback: a cart's last
-- activity falls in the lookback exactly when one of its events does, so only
-- these carts' events are grouped (not every cart in the history)
recent_carts as (

    select distinct
        cart_activity.customer_id,
        cart_activity.cart_id,
        cart_activity.is_sessionless

    from cart_activity
    cross join as_of_bounds
    where cart_activity.occurred_at >= as_of_bounds.lookback_starts_at

),

cart_events as (

    select cart_activity.*

    from cart_activity
    inner join recent_carts
        on
            cart_activity.customer_id = recent_carts.customer_id
            and cart_activity.cart_id = recent_carts.cart_id
            and cart_activity.is_sessionless = recent_carts.is_sessionless

),

-- order lines that can save a recent cart (from the lookback's first day on)
order_events as (

    select
        events.customer_id,
        events.occurred_at as ordered_at

    from events
    cross join as_of_bounds
    where
        events.event_type = 'order_completed'
        and events.order_id is not null
        and events.occurred_at >= as_of_bounds.lookback_starts_at

),

carts as (

    select
        customer_id,
        cart_id,
        is_sessionless,
        min(occurred_at) as cart_started_at,
        max(occurred_at) as cart_last_activity_at,
        count(*) as cart_event_count,
        max(case when event_type = 'checkout_started' then 1 else 0 end) = 1 as reached_checkout,
        count(distinct case when event_type = 'add_to_cart' then product_id end) as products

    from cart_events
    group by customer_id, cart_id, is_sessionless

),

-- carts in the lookback whose abandonment window has closed by the end of the as-of date
judged_carts as (

    select
        carts.*,
        as_of_bounds.as_of_date,
        as_of_bounds.as_of_ends_at,
        {{ dbt.dateadd('hour', abandonment_hours, 'carts.cart_last_activity_at') }} as abandonment_window_ends_at

    from carts
    cross join as_of_bounds
    where
        cast(carts.cart_last_activity_at as date) >= as_of_bounds.lookback_starts_on
        and {{ dbt.dateadd('hour', abandonment_hours, 'carts.cart_last_activity_at') }}
        <= as_of_bounds.as_of_ends_at

),

-- order lines of the customer from the last cart event to the end of the window (both ends included)
saving_orders as (

    select
        judged_carts.customer_id,
        judged_carts.cart_id,
        judged_carts.is_sessionless,
        count(*) as saving_order_lines

    from judged_carts
    inner join order_events
        on
            judged_carts.customer_id = order_events.customer_id
            and judged_carts.cart_last_activity_at <= order_events.ordered_at
            and judged_carts.abandonment_window_ends_at >= order_events.ordered_at
    group by judged_carts.customer_id, judged_carts.cart_id, judged_carts.is_sessionless

),

abandoned_carts as (

    select judged_carts.*
    from judged_carts
    inner join consenting_customers
        on judged_carts.customer_id = consenting_customers.customer_id
    left join saving_orders
        on
            judged_carts.customer_id = saving_orders.customer_id
            and judged_carts.cart_id = saving_orders.cart_id
            and judged_carts.is_sessionless = saving_orders.is_sessionless
    where saving_orders.saving_order_lines is null

),

category_counts as (

    select
        customer_id,
        cart_id,
        is_sessionless,
        category,
        count(*) as category_event_count

    from cart_events
    where category is not null
    group by customer_id, cart_id, is_sessionless, category

),

-- most cart events first, ties alphabetically (category is unique within a cart: total order)
category_ranked as (

    select
        customer_id,
        cart_id,
        is_sessionless,
        category,
        row_number() over (
            partition by customer_id, cart_id, is_sessionless
            order by category_event_count desc, {{ text_sort_key('category') }} asc
        ) as category_rank

    from category_counts

),

top_categories as (

    select * from category_ranked
    where category_rank = 1

),

final as (

    select
        ----------  ids
        abandoned_carts.cart_id,
        abandoned_carts.customer_id,

        ----------  timestamps
        abandoned_carts.cart_started_at,
        abandoned_carts.cart_last_activity_at,

        ----------  cart contents
        cast(abandoned_carts.cart_event_count as {{ dbt.type_bigint() }}) as cart_event_count,
        abandoned_carts.reached_checkout,
        cast(abandoned_carts.products as {{ dbt.type_bigint() }}) as products,
        top_categories.category as top_category,

        ----------  recency (fractional hours from the last cart event to the end of the as-of date)
        cast(
            {{ dbt.datediff('abandoned_carts.cart_last_activity_at', 'abandoned_carts.as_of_ends_at', 'microsecond') }}
            as {{ type_double() }}
        ) / 3600000000 as hours_since_last_activity,

        ----------  dates
        abandoned_carts.as_of_date,

        ----------  activation identifier (a salted hash, never the email)
        email_hashes.email_hash

    from abandoned_carts
    left join top_categories
        on abandoned_carts.customer_id = top_categories.customer_id
            and abandoned_carts.cart_id = top_categories.cart_id
            and abandoned_carts.is_sessionless = top_categories.is_sessionless
    left join email_hashes
        on abandoned_carts.customer_id = email_hashes.customer_id

)

select * from final
