{#- A text as an SQL string literal. Standard SQL doubles a quote inside the
    literal; Spark SQL reads '' as two adjacent literals (so 'it''s' would be
    "its") and escapes with a backslash instead. -#}
{% macro sql_string(text) -%}
    {{ return(adapter.dispatch('sql_string', 'behavioral_segmentation')(text)) }}
{%- endmacro %}

{% macro default__sql_string(text) -%}
    {{ return("'" ~ text | string | replace("'", "''") ~ "'") }}
{%- endmacro %}

{% macro spark__sql_string(text) -%}
    {{ return("'" ~ text | string | replace("\\", "\\\\") | replace("'", "\\'") ~ "'") }}
{%- endmacro %}
