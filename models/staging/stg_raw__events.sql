{#- Clean raw events: typed, trimmed, one row per event_id, from the one
    stored copy of the events (base_raw__events: read once, checked once).
    Rows that cannot be used are in quarantined_events with their reason,
    exact copies are counted in event_ingestion_summary. Events of customers
    who asked to be forgotten are not here. loaded_at is the build that wrote
    the event (or released it from quarantine). -#}

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
        occurred_on,
        loaded_at

    from checked_events
    where outcome = 'clean'

)

select * from final
