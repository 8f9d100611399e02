{#- Every raw consent record of customers not erased, read once and typed, with
    the reason it cannot be used (quarantine_reason; NULL = usable), the first
    that applies in this order: missing_customer_id, missing_timestamp,
    unparseable_timestamp (recorded_at outside the ISO grammar, e.g.
    'yesterday'), implausible_timestamp (before quarantine_earliest_date),
    unknown_channel (not one of activation_consent_channels()),
    unknown_consent_status (not opt_in or opt_out). stg_raw__consents keeps the
    usable rows, quarantined_consents the others. Empty without a consent
    source. -#}
{%- set consents_source = source('raw', 'consents') -%}
{%- set has_consents = source_exists(consents_source) -%}
{%- set raw_consents = raw_reader(consents_source) if has_consents else none -%}
{%- set label = 'consents (' ~ raw_label(consents_source) ~ ')' -%}
{%- if has_consents -%}
{%- do require_columns(relation_columns(raw_consents), ['customer_id', 'channel', 'consent_status', 'recorded_at'],
                       label) -%}
{%- endif -%}
{%- set earliest_date = date_var_literal('quarantine_earliest_date', 'null for no lower bound') -%}
{%- set channels = "'" ~ activation_consent_channels() | join("', '") ~ "'" %}

with

{% if has_consents -%}
source as (

    select * from {{ raw_consents }}

),

parsed as (

    select
        {{ raw_text('customer_id') }} as customer_id,
        lower({{ raw_text('channel') }}) as channel,
        lower({{ raw_text('consent_status') }}) as consent_status,
        {{ parsed_utc_timestamp(raw_consents, 'recorded_at', label) }} as recorded_at,
        {{ raw_text('recorded_at') }} as delivered_recorded_at

    from source

),
{%- else -%}
parsed as (

    select
        cast(null as {{ dbt.type_string() }}) as customer_id,
        cast(null as {{ dbt.type_string() }}) as channel,
        cast(null as {{ dbt.type_string() }}) as consent_status,
        cast(null as {{ dbt.type_timestamp() }}) as recorded_at,
        cast(null as {{ dbt.type_string() }}) as delivered_recorded_at
    where 1 = 0

),
{%- endif %}

erasure_requests as (

    select * from {{ ref('stg_raw__erasure_requests') }}

),

final as (

    select
        ----------  ids
        parsed.customer_id,

        ----------  categories
        parsed.channel,
        parsed.consent_status,

        ----------  timestamps
        parsed.recorded_at,
        parsed.delivered_recorded_at,

        ----------  checks
        case
            when parsed.customer_id is null then 'missing_customer_id'
            when parsed.delivered_recorded_at is null then 'missing_timestamp'
            when parsed.recorded_at is null then 'unparseable_timestamp'
            {% if earliest_date is not none -%}
            when parsed.recorded_at < {{ earliest_date }} then 'implausible_timestamp'
            {% endif -%}
            when parsed.channel is null or parsed.channel not in ({{ channels }}) then 'unknown_channel'
            when parsed.consent_status is null
                or parsed.consent_status not in ('opt_in', 'opt_out') then 'unknown_consent_status'
        end as quarantine_reason

    from parsed
    left join erasure_requests
        on parsed.customer_id = erasure_requests.customer_id
    where erasure_requests.customer_id is null

)

select * from final
