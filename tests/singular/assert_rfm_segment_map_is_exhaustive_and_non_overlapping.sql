{#- Every R x F x M score cell (1..rfm_bins each) must match exactly one rule of
    the active preset of rfm_segment_map. Returns each cell matched by no rule
    or by several, with how many. -#}
{%- set bins = rfm_bins() -%}

with

segment_map as (

    select * from {{ ref('rfm_segment_map') }}
    where segment_map = '{{ var("rfm_segment_map") }}'

),

scores as (

    {%- for score in range(1, bins + 1) %}
    select {{ score }} as score
    {%- if not loop.last %} union all{% endif %}
    {%- endfor %}

),

cells as (

    select
        r.score as r_score,
        f.score as f_score,
        m.score as m_score
    from scores as r
    cross join scores as f
    cross join scores as m

),

matches as (

    select
        cells.r_score,
        cells.f_score,
        cells.m_score,
        count(segment_map.rfm_segment) as matching_rules

    from cells
    left join segment_map
        on cells.r_score between segment_map.r_score_min and segment_map.r_score_max
            and cells.f_score between segment_map.f_score_min and segment_map.f_score_max
            and cells.m_score between segment_map.m_score_min and segment_map.m_score_max
    group by cells.r_score, cells.f_score, cells.m_score

)

select * from matches
where matching_rules != 1
