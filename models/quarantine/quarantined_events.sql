{#- Raw events held back from every model, one row per distinct raw row, with
    the reason and when it was found. Not granted to BI: it holds raw data as
    delivered. Fix the feed (or the seed event_types, or the customers file)
    and the next build picks the rows up. -#}

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
        {{ build_started_at() }} as detected_at

    from checked_events
    where quarantine_reason is not null

)

select * from final
