{#- RFM scoring rules. Every score runs 1..rfm_bins, higher is better, and equal
    values always get equal scores. Override `rfm_score` (or either method) in
    your own project to change how scores are made; the models need no edit.
    The methods, and which one suits which data: doc rfm_scoring
    (macros/rules/rfm_score.md).

    value            a non-null numeric SQL expression, one row per scored customer
    higher_is_better true for frequency and monetary, false for recency (days)
    thresholds_var   the var holding the fixed cut points of this measure
                     (rfm_recency_thresholds, rfm_frequency_thresholds or
                     rfm_monetary_thresholds); it also names the measure
    partition_by     optional column: score within each of its values separately
                     (the history models score every period's population on its own)
-#}
{% macro rfm_score(value, higher_is_better, thresholds_var, partition_by=none) -%}
    {{ return(adapter.dispatch('rfm_score', 'behavioral_segmentation')(
        value, higher_is_better, thresholds_var, partition_by)) }}
{%- endmacro %}

{% macro default__rfm_score(value, higher_is_better, thresholds_var, partition_by=none) -%}
    {%- if rfm_measure_method(thresholds_var) == 'thresholds' -%}
        {{ rfm_threshold_score(value, var(thresholds_var), higher_is_better) }}
    {%- else -%}
        {{ rfm_quantile_score(value, higher_is_better, partition_by) }}
    {%- endif -%}
{%- endmacro %}

{#- How the var rfm_scoring_method scores one measure (named by its thresholds
    var): 'quantile' or 'thresholds'. 'hybrid' scores frequency, a small whole
    number that most buyers share, by its cut points and recency and monetary
    by quantile. -#}
{% macro rfm_measure_method(thresholds_var) -%}
    {%- set method = var('rfm_scoring_method') -%}
    {%- if method == 'hybrid' -%}
        {{ return('thresholds' if thresholds_var == 'rfm_frequency_thresholds' else 'quantile') }}
    {%- endif -%}
    {{ return(method) }}
{%- endmacro %}

{#- Quantile score without ntile, from the percent rank of the value:
        worse = scored customers with a strictly worse value
        score = min(rfm_bins, 1 + floor(rfm_bins * worse / (customers - 1)))
    i.e. 1 + floor(rfm_bins * percent_rank), the top value capped at rfm_bins.
    The lowest value always scores 1 and the highest rfm_bins; ties share a
    score (rank() gives them one rank), so the result does not depend on row
    order or engine. When nobody differs (one customer, or all values equal)
    there is no ranking and everybody gets the middle band 1 + floor(rfm_bins / 2).
    Heavy ties (most buyers with one order) never produce NULLs. The division
    is exact enough: rfm_bins * worse and customers - 1 are integers far below
    2^53, so floor() never lands on the wrong side of a band edge. -#}
{% macro rfm_quantile_score(value, higher_is_better, partition_by=none) -%}
    {%- set bins = rfm_bins() -%}
    {%- set population = 'partition by ' ~ partition_by if partition_by else '' -%}
    {%- set ties = population ~ ', ' ~ value if partition_by else 'partition by ' ~ value -%}
    cast(case
        when count(*) over ({{ ties }}) = count(*) over ({{ population }})
            then {{ 1 + bins // 2 }}
        else least({{ bins }}, 1 + floor(
            {{ bins }} * cast(
                rank() over ({{ population }} order by {{ value }} {{ 'asc' if higher_is_better else 'desc' }}) - 1
                as {{ type_double() }}
            ) / (count(*) over ({{ population }}) - 1)
        ))
    end as {{ dbt.type_int() }})
{%- endmacro %}

{#- Fixed business cut points, ascending. Higher-is-better measures earn one
    point per cut point they reach (value >= cut); lower-is-better measures one
    point per cut point they stay within (value <= cut). -#}
{% macro rfm_threshold_score(value, thresholds, higher_is_better) -%}
    cast(1
    {%- for cut in thresholds %}
        + case when {{ value }} {{ '>=' if higher_is_better else '<=' }} {{ cut }} then 1 else 0 end
    {%- endfor %}
    as {{ dbt.type_int() }})
{%- endmacro %}

{#- Join condition: the scored row's R, F and M scores fall in a box of the
    seed rfm_segment_map (one preset's boxes are exhaustive and non-overlapping). -#}
{% macro rfm_score_in_box(scored, segment_map) -%}
    {{ scored }}.r_score between {{ segment_map }}.r_score_min and {{ segment_map }}.r_score_max
    and {{ scored }}.f_score between {{ segment_map }}.f_score_min and {{ segment_map }}.f_score_max
    and {{ scored }}.m_score between {{ segment_map }}.m_score_min and {{ segment_map }}.m_score_max
{%- endmacro %}
