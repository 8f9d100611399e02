{#- Nothing is lost silently from the optional inputs either: every raw
    customer row and consent record is in base_raw__customers /
    base_raw__consents (usable, or with its quarantine reason) or belongs to an
    erased customer. Returns a row per input whose counts do not add up. -#}
{%- set inputs = [] -%}
{%- for name, base in [('customers', 'base_raw__customers'), ('consents', 'base_raw__consents')] -%}
{%- set relation = source('raw', name) -%}
{%- if source_exists(relation) -%}
{%- do inputs.append((name, raw_reader(relation), ref(base))) -%}
{%- endif -%}
{%- endfor %}

with

erasure_requests as (

    select * from {{ ref('stg_raw__erasure_requests') }}

),

counts as (

    {% for name, raw, base in inputs -%}
    select
        '{{ name }}' as raw_input,
        (select count(*) from {{ raw }}) as raw_rows,
        (select count(*) from {{ base }}) as checked_rows,
        (
            select count(*)
            from {{ raw }} as raw_rows
            inner join erasure_requests
                on {{ raw_text('raw_rows.customer_id') }} = erasure_requests.customer_id
        ) as erased_rows

    union all

    {% endfor -%}
    select
        'none' as raw_input,
        0 as raw_rows,
        0 as checked_rows,
        0 as erased_rows

)

select *
from counts
where raw_rows != checked_rows + erased_rows
