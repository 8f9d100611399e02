{#- The single date every model is computed as of: the var `as_of_date`, or the
    UTC date of the last clean event when the var is unset. One row. -#}
{%- set configured = as_of_date_literal() -%}

with

events as (

    select * from {{ ref('stg_raw__events') }}

),

final as (

    {% if configured is none -%}
    select max(occurred_on) as as_of_date
    from events
    {%- else -%}
    select {{ configured }} as as_of_date
    {%- endif %}

)

select * from final
