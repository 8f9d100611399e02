{#- The segmentation dimensions, in order: each is a column of
    customer_segments and a `dimension` value of segment_memberships,
    customer_segment_history, segment_summary and the seed
    segment_definitions. The one list is the keys of segment_rule_expressions
    (macros/rules/segment_rules.sql). -#}
{% macro segment_dimensions() -%}
    {{ return(segment_rule_expressions().keys() | list) }}
{%- endmacro %}
