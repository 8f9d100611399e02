{#- One row per customer and dimension: the customer's segment in that
    dimension, as of the as-of date. The long form of customer_segments that BI
    tools filter on (dimension = 'lifecycle' and segment = 'at_risk'), with the
    absence flag of the seed segment_definitions (never_purchased, no_activity,
    unknown_input; NULL for behavioral segments). -#}

with

customer_segments as (

    select * from {{ ref('customer_segments') }}

),

segment_definitions as (

    select * from {{ ref('segment_definitions') }}

),

unpivoted as (

    {% for dimension in segment_dimensions() -%}
    select
        customer_id,
        cast('{{ dimension }}' as {{ dbt.type_string() }}) as dimension,
        cast({{ dimension }} as {{ dbt.type_string() }}) as segment,
        as_of_date
    from customer_segments
    {% if not loop.last %}union all
    {% endif -%}
    {%- endfor %}

),

final as (

    select
        unpivoted.customer_id,
        unpivoted.dimension,
        unpivoted.segment,
        cast(segment_definitions.absence as {{ dbt.type_string() }}) as absence,
        unpivoted.as_of_date

    from unpivoted
    left join segment_definitions
        on unpivoted.dimension = segment_definitions.dimension
            and unpivoted.segment = segment_definitions.segment

)

select * from final
