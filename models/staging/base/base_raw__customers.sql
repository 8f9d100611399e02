{#- Every raw customer row of customers not erased, read once and typed, with
    what was wrong with it. A row without a customer_id cannot be used: it is
    held back (quarantine_reason missing_customer_id). A row whose optional
    signed_up_at or birth_date does not parse keeps the customer and drops only
    that value (set to NULL): value_reason unparseable_signed_up_at,
    implausible_signed_up_at (before quarantine_earliest_date) or
    invalid_birth_date (not a date, or a day that does not exist, such as
    1985-02-30). stg_raw__customers keeps the usable rows, quarantined_customers
    lists every row with a reason. Only built when there is a customers source. -#}
{%- set customers_source = source('raw', 'customers') -%}
{%- set has_customers = source_exists(customers_source) -%}
{%- set raw_customers = raw_reader(customers_source) if has_customers else none -%}
{%- set label = 'customers (' ~ raw_label(customers_source) ~ ')' -%}
{%- set available = relation_columns(raw_customers) if has_customers else [] -%}
{%- if has_customers -%}
{%- do require_columns(available, ['customer_id'], label) -%}
{%- endif -%}
{%- set earliest_date = date_var_literal('quarantine_earliest_date', 'null for no lower bound') %}

with

{% if has_customers -%}
source as (

    select * from {{ raw_customers }}

),

parsed as (

    select
        {{ raw_text('customer_id') }} as customer_id,
        lower({{ raw_text('country') if 'country' in available else 'cast(null as ' ~ dbt.type_string() ~ ')' }})
            as country,
        lower({{ raw_text('acquisition_channel') if 'acquisition_channel' in available
                 else 'cast(null as ' ~ dbt.type_string() ~ ')' }}) as acquisition_channel,
        lower({{ raw_text('email') if 'email' in available else 'cast(null as ' ~ dbt.type_string() ~ ')' }})
            as email,
        {{ parsed_utc_timestamp(raw_customers, 'signed_up_at', label) if 'signed_up_at' in available
           else 'cast(null as ' ~ dbt.type_timestamp() ~ ')' }} as signed_up_at,
        {{ raw_text('signed_up_at') if 'signed_up_at' in available
           else 'cast(null as ' ~ dbt.type_string() ~ ')' }} as delivered_signed_up_at,
        {{ parsed_utc_timestamp(raw_customers, 'birth_date', label) if 'birth_date' in available
           else 'cast(null as ' ~ dbt.type_timestamp() ~ ')' }} as birth_date,
        {{ raw_text('birth_date') if 'birth_date' in available
           else 'cast(null as ' ~ dbt.type_string() ~ ')' }} as delivered_birth_date

    from source

),
{%- else -%}
parsed as (

    select
        cast(null as {{ dbt.type_string() }}) as customer_id,
        cast(null as {{ dbt.type_string() }}) as country,
        cast(null as {{ dbt.type_string() }}) as acquisition_channel,
        cast(null as {{ dbt.type_string() }}) as email,
        cast(null as {{ dbt.type_timestamp() }}) as signed_up_at,
        cast(null as {{ dbt.type_string() }}) as delivered_signed_up_at,
        cast(null as {{ dbt.type_timestamp() }}) as birth_date,
        cast(null as {{ dbt.type_string() }}) as delivered_birth_date
    where 1 = 0

),
{%- endif %}

erasure_requests as (

    select * from {{ ref('stg_raw__erasure_requests') }}

),

checked as (

    select
        parsed.*,
        case
            when parsed.signed_up_at is null and parsed.delivered_signed_up_at is not null
                then 'unparseable_signed_up_at'
            {% if earliest_date is not none -%}
            when parsed.signed_up_at < {{ earliest_date }} then 'implausible_signed_up_at'
            {% endif -%}
            when parsed.birth_date is null and parsed.delivered_birth_date is not null
                then 'invalid_birth_date'
        end as value_reason

    from parsed
    left join erasure_requests
        on parsed.customer_id = erasure_requests.customer_id
    where erasure_requests.customer_id is null

),

final as (

    select
        ----------  ids
        customer_id,

        ----------  attributes (a value that did not parse is NULL)
        country,
        acquisition_channel,
        nullif(email, '') as email,
        cast(birth_date as date) as birth_date,
        {% if earliest_date is not none -%}
        case when signed_up_at >= {{ earliest_date }} then signed_up_at end as signed_up_at,
        {%- else -%}
        signed_up_at,
        {%- endif %}

        ----------  the text of the values that did not parse
        delivered_signed_up_at,
        delivered_birth_date,

        ----------  checks
        case when customer_id is null then 'missing_customer_id' end as quarantine_reason,
        value_reason

    from checked

)

select * from final
