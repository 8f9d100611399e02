{#- One row per marketing consent record: a customer's opt_in or opt_out on a
    channel, recorded at a time (UTC). Channel and status are trimmed and
    lower-cased; rows without a customer, channel, status or time cannot be
    placed and are left out, and so are the records of customers who asked to
    be forgotten (stg_raw__erasure_requests). Exact duplicate rows are kept
    once. Empty when there is no consent source: then nobody is consenting. -#}
{%- set raw_consents = source('raw', 'consents') -%}
{%- set has_consents = source_exists(raw_consents) -%}
{%- if has_consents -%}
{%- do require_columns(relation_columns(raw_consents), ['customer_id', 'channel', 'consent_status', 'recorded_at'],
                       'consents (' ~ raw_consents ~ ')') -%}
{%- endif %}

with

{% if has_consents -%}
source as (

    select * from {{ raw_consents }}

),

{% endif -%}
erasure_requests as (

    select * from {{ ref('stg_raw__erasure_requests') }}

),

renamed as (

    {% if has_consents -%}
    select
        ----------  ids
        trim(cast(customer_id as {{ dbt.type_string() }})) as customer_id,

        ----------  categories
        nullif(lower(trim(cast(channel as {{ dbt.type_string() }}))), '') as channel,
        nullif(lower(trim(cast(consent_status as {{ dbt.type_string() }}))), '') as consent_status,

        ----------  timestamps
        {{ utc_timestamp(raw_consents, 'recorded_at') }} as recorded_at

    from source
    {%- else -%}
    select
        cast(null as {{ dbt.type_string() }}) as customer_id,
        cast(null as {{ dbt.type_string() }}) as channel,
        cast(null as {{ dbt.type_string() }}) as consent_status,
        cast(null as {{ dbt.type_timestamp() }}) as recorded_at
    where 1 = 0
    {%- endif %}

),

final as (

    select distinct
        renamed.customer_id,
        renamed.channel,
        renamed.consent_status,
        renamed.recorded_at

    from renamed
    left join erasure_requests
        on renamed.customer_id = erasure_requests.customer_id
    where
        renamed.customer_id is not null
        and renamed.customer_id != ''
        and renamed.channel is not null
        and renamed.consent_status is not null
        and renamed.recorded_at is not null
        and erasure_requests.customer_id is null

)

select * from final
