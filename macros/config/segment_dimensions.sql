{#- The segmentation dimensions: each is a column of customer_segments and a
    `dimension` value of segment_memberships, segment_summary and the seed
    segment_definitions. -#}
{% macro segment_dimensions() -%}
    {{ return([
        'purchase_behavior',
        'seasonality',
        'usage_rate',
        'lifecycle',
        'engagement',
        'journey_stage',
        'occasion',
        'day_preference',
        'daypart',
        'birthday',
        'benefit',
        'churn_risk',
        'value_tier',
        'rfm_segment',
    ]) }}
{%- endmacro %}

{#- The dimensions customer_segment_history tracks over time: RFM and the
    lifecycle, engagement, usage and value dimensions. -#}
{% macro history_dimensions() -%}
    {{ return(['rfm_segment', 'lifecycle', 'engagement', 'usage_rate', 'value_tier']) }}
{%- endmacro %}
