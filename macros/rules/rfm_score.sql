{#- RFM scoring rules. Every score runs 1..rfm_bins, higher is better, and equal
    values always get equal scores. Override `rfm_score` (or either method) in
    your own project to change how scores are made; the models need no edit.

    value            a non-null numeric SQL expression, one row per scored customer
    higher_is_better true for frequency and monetary, false for recency (days)
    thresholds_var   the var holding the fixed cut points for method 'thresholds'
-#}
{% macro rfm_score(value, higher_is_better, thresholds_var) -%}
    {{ return(adapter.dispatch('rfm_score', 'behavioral_segmentation')(value, higher_is_better, thresholds_var)) }}
{%- endmacro %}

{% macro default__rfm_score(value, higher_is_better, thresholds_var) -%}
    {%- if var('rfm_scoring_method') == 'thresholds' -%}
        {{ rfm_threshold_score(value, var(thresholds_var), higher_is_better) }}
    {%- else -%}
        {{ rfm_quantile_score(value, higher_is_better) }}
    {%- endif -%}
{%- endmacro %}

{#- Quantile score without ntile, from the mid-rank percentile of the value:
        p     = (worse + tied / 2) / customers     (0 < p < 1)
        score = 1 + floor(rfm_bins * p)
    `worse` counts scored customers with a strictly worse value, `tied` those
    with the same value (itself included); this is
    scipy.stats.percentileofscore(kind='mean') / 100. Ties share a score, the
    result does not depend on row order or engine, a single customer or an
    all-equal population lands in the middle band, and heavy ties (most buyers
    with one order) never produce NULLs. The float division is exact enough:
    both operands are integers far below 2^53. -#}
{% macro rfm_quantile_score(value, higher_is_better) -%}
    cast(1 + floor(
        {{ rfm_bins() }} * cast(
            2 * (rank() over (order by {{ value }} {{ 'asc' if higher_is_better else 'desc' }}) - 1)
            + count(*) over (partition by {{ value }})
            as {{ type_double() }}
        ) / (2 * count(*) over ())
    ) as {{ dbt.type_int() }})
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
