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
