{#- One row per customer who asked to be forgotten. Every staging model drops
    their rows, so no downstream model sees them; the incremental history
    models and the snapshot delete what they kept from earlier builds
    (macro forget_erased_customers). Empty when there is no erasure source. -#}
{%- set requests_source = source('raw', 'erasure_requests') -%}
{%- set has_requests = source_exists(requests_source) -%}
{%- if has_requests -%}
{%- set raw_requests = raw_reader(requests_source) -%}
{%- do require_columns(relation_columns(raw_requests), ['customer_id'],
                       'erasure_requests (' ~ raw_label(requests_source) ~ ')') -%}
{%- endif %}

with

{% if has_requests -%}
source as (

    select * from {{ raw_requests }}

),

renamed as (

    select trim(cast(customer_id as {{ dbt.type_string() }})) as customer_id
    from source

),
{%- else -%}
renamed as (

    select cast(null as {{ dbt.type_string() }}) as customer_id
    where 1 = 0

),
{%- endif %}

final as (

    select distinct customer_id
    from renamed
    where customer_id is not null and customer_id != ''

)

select * from final
