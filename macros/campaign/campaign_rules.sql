{#- Rules and settings of the campaign measurement mart (campaign_lift). Each
    rule is a small macro; the dispatchable ones can be overridden in your own
    project (define default__<name> or <adapter>__<name>) without editing the mart. -#}

{#- The two-sided normal quantile of the confidence intervals: 1.959963984540054
    gives 95% intervals. Override default__campaign_ci_z for another level. -#}
{% macro campaign_ci_z() -%}
    {{ return(adapter.dispatch('campaign_ci_z', 'behavioral_segmentation')()) }}
{%- endmacro %}

{% macro default__campaign_ci_z() -%}
    {{ return('1.959963984540054') }}
{%- endmacro %}
