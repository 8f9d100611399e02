{#- One row per customer with at least one purchase on the as-of date: R, F and
    M values and scores, the score cell, and the named segment from the active
    preset of the seed rfm_segment_map (var rfm_segment_map). -#}

with

scored as (

    select * from {{ ref('int_customers_rfm_scored') }}

),

segment_map as (

    select * from {{ ref('rfm_segment_map') }}
    where segment_map = '{{ var("rfm_segment_map") }}'

),

segment_definitions as (

    select * from {{ ref('segment_definitions') }}
    where dimension = 'rfm_segment'

),

mapped as (

    select
        scored.customer_id,
        scored.recency_days,
        scored.frequency,
        scored.monetary,
        scored.r_score,
        scored.f_score,
        scored.m_score,
        segment_map.segment_map,
        segment_map.rfm_segment,
        scored.as_of_date

    from scored
    left join segment_map
        on {{ rfm_score_in_box('scored', 'segment_map') }}

),

final as (

    select
        ----------  ids
        mapped.customer_id,

        ----------  RFM values
        cast(mapped.recency_days as {{ dbt.type_int() }}) as recency_days,
        cast(mapped.frequency as {{ dbt.type_bigint() }}) as frequency,
        cast(mapped.monetary as {{ type_money() }}) as monetary,

        ----------  scores
        mapped.r_score,
        mapped.f_score,
        mapped.m_score,
        {{ dbt.concat([
            'cast(mapped.r_score as ' ~ dbt.type_string() ~ ')', "'-'",
            'cast(mapped.f_score as ' ~ dbt.type_string() ~ ')', "'-'",
            'cast(mapped.m_score as ' ~ dbt.type_string() ~ ')',
        ]) }} as rfm_cell,

        ----------  segment
        cast('{{ var("rfm_scoring_method") }}' as {{ dbt.type_string() }}) as scoring_method,
        cast('{{ var("rfm_segment_map") }}' as {{ dbt.type_string() }}) as segment_map,
        mapped.rfm_segment,
        segment_definitions.recommended_action,

        ----------  dates
        mapped.as_of_date

    from mapped
    left join segment_definitions
        on mapped.rfm_segment = segment_definitions.segment

)

select * from final
