{#- One row per customer, typed (base_raw__customers reads and checks the raw
    rows; rows without a customer_id are held back, values that do not parse
    are NULL). Names and phone numbers are never read. The
    email is read only to be normalised (trimmed, lower-cased) for
    int_customer_emails_hashed, which turns it into a salted hash: no mart
    holds it in clear. Without a customers source, customers are
    derived from the events they appear in. Customers who asked to be
    forgotten (stg_raw__erasure_requests) are left out. -#}
-- depends_on: {{ ref('stg_raw__events') }}, {{ ref('base_raw__customers') }}
{%- set has_customers = source_exists(source('raw', 'customers')) %}

with

source as (

    {% if has_customers -%}
    select * from {{ ref('base_raw__customers') }}
    {%- else -%}
    select * from {{ ref('stg_raw__events') }}
    {%- endif %}

),

renamed as (

    {% if has_customers -%}
    select
        customer_id,
        country,
        acquisition_channel,
        email,
        birth_date,
        signed_up_at,
        true as is_from_customer_source

    from source
    where quarantine_reason is null
    {%- else -%}
    select
        customer_id,
        cast(null as {{ dbt.type_string() }}) as country,
        cast(null as {{ dbt.type_string() }}) as acquisition_channel,
        cast(null as {{ dbt.type_string() }}) as email,
        cast(null as date) as birth_date,
        min(occurred_at) as signed_up_at,
        false as is_from_customer_source

    from source
    group by customer_id
    {%- endif %}

),

erasure_requests as (

    select * from {{ ref('stg_raw__erasure_requests') }}

),

ranked as (

    select
        customer_id,
        country,
        acquisition_channel,
        email,
        birth_date,
        signed_up_at,
        is_from_customer_source,
        row_number() over (
            partition by customer_id
            order by
                signed_up_at nulls last, country nulls last, acquisition_channel nulls last,
                birth_date nulls last, {{ text_sort_key('email') }} nulls last
        ) as customer_copy_number

    from renamed
    where
        customer_id is not null
        and customer_id != ''
        and customer_id not in (select erasure_requests.customer_id from erasure_requests)

),

final as (

    select
        customer_id,
        country,
        acquisition_channel,
        email,
        birth_date,
        signed_up_at,
        is_from_customer_source

    from ranked
    where customer_copy_number = 1

)

select * from final
