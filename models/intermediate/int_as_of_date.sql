{#- The single date every model is computed as of: the var `as_of_date`, or the
    UTC date of the last clean event when the var is unset. One row. -#}
{%- set configured = as_of_date_literal() -%}
-- depends_on: {{ ref('stg_raw__events') }}

with

{% if configured is none -%}

events as (

    select * from {{ ref('stg_raw__events') }}

),

final as (

    select max(occurred_on) as as_of_date
    from events

)

{%- else -%}

final as (

    select {{ configured }} as as_of_date

)

{%- endif %}

select * from final
