{#- One row per customer and dimension: the customer's segment in that
    dimension, as of the as-of date. The long form of customer_segments that BI
    tools filter on (dimension = 'lifecycle' and segment = 'at_risk'). -#}

with

customer_segments as (

    select * from {{ ref('customer_segments') }}

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
        customer_id,
        dimension,
        segment,
        as_of_date

    from unpivoted

)

select * from final
