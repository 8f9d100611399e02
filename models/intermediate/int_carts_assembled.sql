{#- One row per cart with at least one cart event on or after the first of the
    cart_abandonment_lookback_days UTC days ending with the as-of date, with its
    contents. A cart is a customer's cart activity (the event types of
    activation_cart_event_types: add_to_cart, checkout_started) in one session;
    a cart event without a session is a cart of its own, identified by its
    event_id. Only these recent carts' events are grouped (not every cart in
    the history): a cart's last activity falls in the lookback exactly when
    one of its events does. -#}

with

events as (

    select * from {{ ref('int_events_observed') }}

),

as_of as (

    select * from {{ ref('int_as_of_date') }}

),

as_of_bounds as (

    select
        as_of_date,
        cast({{ cart_lookback_first_day('as_of_date') }} as {{ dbt.type_timestamp() }})
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

-- carts with an event on or after the first day of the lookback
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
        carts.customer_id,
        carts.cart_id,
        carts.is_sessionless,

        ----------  timestamps
        carts.cart_started_at,
        carts.cart_last_activity_at,

        ----------  cart contents
        carts.cart_event_count,
        carts.reached_checkout,
        carts.products,
        top_categories.category as top_category,

        ----------  dates
        as_of_bounds.as_of_date

    from carts
    cross join as_of_bounds
    left join top_categories
        on
            carts.customer_id = top_categories.customer_id
            and carts.cart_id = top_categories.cart_id
            and carts.is_sessionless = top_categories.is_sessionless

)

select * from final
