{#- Typed, trimmed and deduplicated raw events. Optional columns absent from the
    raw file become typed NULLs. Rows without an event id, customer or time
    cannot be placed and are left out here, and so are the events of customers
    who asked to be forgotten (stg_raw__erasure_requests). -#}
{%- set raw_events = source('raw', 'events') -%}
{%- set available = relation_columns(raw_events) -%}
{%- do require_columns(
    available,
    ['event_id', 'customer_id', 'event_type', 'occurred_at', 'order_id', 'revenue'],
    'events (' ~ raw_events ~ ')'
) -%}

with

source as (

    select * from {{ raw_events }}

),

erasure_requests as (

    select * from {{ ref('stg_raw__erasure_requests') }}

),

renamed as (

    select
        ----------  ids
        trim(cast(event_id as {{ dbt.type_string() }})) as event_id,
        trim(cast(customer_id as {{ dbt.type_string() }})) as customer_id,
        {{ optional_column(available, 'session_id', dbt.type_string()) }} as session_id,
        nullif(trim(cast(order_id as {{ dbt.type_string() }})), '') as order_id,
        {{ optional_column(available, 'product_id', dbt.type_string()) }} as product_id,
        {{ optional_column(available, 'campaign_id', dbt.type_string()) }} as campaign_id,
        lower({{ optional_column(available, 'campaign_variant', dbt.type_string()) }}) as campaign_variant,

        ----------  categories
        lower(trim(cast(event_type as {{ dbt.type_string() }}))) as event_type,
        lower({{ optional_column(available, 'category', dbt.type_string()) }}) as category,
        lower({{ optional_column(available, 'channel', dbt.type_string()) }}) as channel,

        ----------  numerics
        cast(revenue as {{ type_money() }}) as revenue,
        {{ optional_column(available, 'discount_amount', type_money()) }} as discount_amount,
        {{ optional_column(available, 'quantity', dbt.type_int()) }} as quantity,

        ----------  timestamps
        {{ utc_timestamp(raw_events, 'occurred_at') }} as occurred_at

    from source

),

ranked as (

    select
        renamed.*,
        row_number() over (
            partition by renamed.event_id
            order by
                renamed.occurred_at,
                renamed.customer_id,
                renamed.event_type,
                renamed.order_id nulls last,
                renamed.revenue nulls last,
                renamed.product_id nulls last, renamed.session_id nulls last
        ) as event_copy_number

    from renamed
    left join erasure_requests
        on renamed.customer_id = erasure_requests.customer_id
    where
        renamed.event_id is not null
        and renamed.customer_id is not null
        and renamed.customer_id != ''
        and renamed.occurred_at is not null
        and erasure_requests.customer_id is null

),

final as (

    select
        event_id,
        customer_id,
        session_id,
        order_id,
        product_id,
        campaign_id,
        campaign_variant,
        event_type,
        category,
        channel,
        revenue,
        discount_amount,
        quantity,
        occurred_at,
        cast(occurred_at as date) as occurred_on

    from ranked
    where event_copy_number = 1

)

select * from final
