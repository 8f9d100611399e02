{#- Clean events that happened on or before the as-of date: the only events any
    downstream model may count. A view on the clean events (stg_raw__events, a
    view on the incremental base_raw__events). -#}
{{ config(materialized='view') }}

with

events as (

    select * from {{ ref('stg_raw__events') }}

),

as_of as (

    select * from {{ ref('int_as_of_date') }}

),

final as (

    select
        events.event_id,
        events.customer_id,
        events.session_id,
        events.order_id,
        events.product_id,
        events.campaign_id,
        events.campaign_variant,
        events.event_type,
        events.category,
        events.channel,
        events.revenue,
        events.discount_amount,
        events.quantity,
        events.occurred_at,
        events.occurred_on,
        as_of.as_of_date

    from events
    inner join as_of
        on events.occurred_on <= as_of.as_of_date

)

select * from final
