{#- One row per abandoned cart (int_carts_assembled) whose last cart event falls
    in the last cart_abandonment_lookback_days UTC days up to the as-of date, of
    any customer (consent is applied by the audience). A cart is abandoned when
    the customer completes no order (an order_completed line with an order_id,
    in any session) from its last cart event to cart_abandonment_hours after
    it, both ends included, and that window has closed by the end of the as-of
    date (carts too recent to judge are left out). -#}
{%- set abandonment_hours = require_whole_number('cart_abandonment_hours', 1) -%}

with

carts as (

    select * from {{ ref('int_carts_assembled') }}

),

events as (

    select * from {{ ref('int_events_observed') }}

),

as_of as (

    select * from {{ ref('int_as_of_date') }}

),

as_of_bounds as (

    select
        as_of_date,
        cast({{ dbt.dateadd('day', 1, 'as_of_date') }} as {{ dbt.type_timestamp() }}) as as_of_ends_at,
        cast({{ cart_lookback_first_day('as_of_date') }} as date) as lookback_starts_on,
        cast({{ cart_lookback_first_day('as_of_date') }} as {{ dbt.type_timestamp() }})
            as lookback_starts_at

    from as_of

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

-- carts in the lookback whose abandonment window has closed by the end of the as-of date
judged_carts as (

    select
        carts.customer_id,
        carts.cart_id,
        carts.is_sessionless,
        carts.cart_started_at,
        carts.cart_last_activity_at,
        carts.cart_event_count,
        carts.reached_checkout,
        carts.products,
        carts.top_category,
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

final as (

    select
        ----------  ids
        judged_carts.customer_id,
        judged_carts.cart_id,
        judged_carts.is_sessionless,

        ----------  timestamps
        judged_carts.cart_started_at,
        judged_carts.cart_last_activity_at,
        judged_carts.abandonment_window_ends_at,

        ----------  cart contents
        judged_carts.cart_event_count,
        judged_carts.reached_checkout,
        judged_carts.products,
        judged_carts.top_category,

        ----------  recency (fractional hours from the last cart event to the end of the as-of date)
        cast(
            {{ dbt.datediff('judged_carts.cart_last_activity_at', 'judged_carts.as_of_ends_at', 'microsecond') }}
            as {{ type_double() }}
        ) / 3600000000 as hours_since_last_activity,

        ----------  dates
        judged_carts.as_of_date

    from judged_carts
    left join saving_orders
        on
            judged_carts.customer_id = saving_orders.customer_id
            and judged_carts.cart_id = saving_orders.cart_id
            and judged_carts.is_sessionless = saving_orders.is_sessionless
    where saving_orders.saving_order_lines is null

)

select * from final
