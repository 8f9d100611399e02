{#- Raw events held back from every model, one row per distinct raw row and
    source file, with the reason and when it was found. A view on
    base_raw__events, which re-checks every held-back row on each build: when
    its reason goes away (the customer arrives in the customers file, the
    other version of a conflicting pair is erased, its order arrives) it is
    released and reaches every mart on that build. Not granted to BI: it
    holds raw data as delivered. -#}
{{ config(materialized='view') }}

with

checked_events as (

    select * from {{ ref('base_raw__events') }}

),

final as (

    select
        ----------  the raw row, as text (trimmed; categories lower-cased)
        event_id as raw_event_id,
        customer_id as raw_customer_id,
        event_type as raw_event_type,
        coalesce(unparsed_occurred_at, cast(occurred_at as {{ dbt.type_string() }})) as raw_occurred_at,
        order_id as raw_order_id,
        coalesce(unparsed_revenue, cast(revenue as {{ dbt.type_string() }})) as raw_revenue,
        session_id as raw_session_id,
        product_id as raw_product_id,
        category as raw_category,
        channel as raw_channel,
        coalesce(unparsed_discount_amount, cast(discount_amount as {{ dbt.type_string() }})) as raw_discount_amount,
        coalesce(unparsed_quantity, cast(quantity as {{ dbt.type_string() }})) as raw_quantity,
        campaign_id as raw_campaign_id,
        campaign_variant as raw_campaign_variant,

        ----------  the check
        quarantine_reason,
        raw_copies,
        source_file,
        loaded_at as detected_at

    from checked_events
    where outcome = 'quarantined'

)

select * from final
