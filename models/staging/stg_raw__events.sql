{#- Clean raw events: typed, trimmed, one row per event_id. Rows that cannot be
    used are in quarantined_events with their reason, exact copies are counted
    in event_ingestion_summary (see base_raw__events for the checks). Events of
    customers who asked to be forgotten are not here. -#}

with

checked_events as (

    select * from {{ ref('base_raw__events') }}

),

final as (

    select
        ----------  ids
        event_id,
        customer_id,
        session_id,
        order_id,
        product_id,
        campaign_id,
        campaign_variant,

        ----------  categories
        event_type,
        category,
        channel,

        ----------  numerics
        revenue,
        discount_amount,
        quantity,

        ----------  timestamps
        occurred_at,
        cast(occurred_at as date) as occurred_on

    from checked_events
    where quarantine_reason is null

)

select * from final
