{#- The single date every model is computed as of: the var `as_of_date`, or the
    UTC date of the last clean event when the var is unset (the build's date
    when there is no clean event at all). One row. -#}
{%- set configured = as_of_date_literal() -%}

with

events as (

    select * from {{ ref('stg_raw__events') }}

),

final as (

    {% if configured is none -%}
    select coalesce(max(occurred_on), cast({{ build_started_at() }} as date)) as as_of_date
    from events
    {%- else -%}
    select {{ configured }} as as_of_date
    {%- endif %}

)

select * from final
