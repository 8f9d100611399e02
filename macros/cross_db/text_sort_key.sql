{#- A text expression compared by code point, so "alphabetical" tie-breaks and
    min() of text give the same answer on every engine. DuckDB compares text by
    code point already; PostgreSQL compares by the database collation (en_US
    and the like ignore punctuation and case at first), so it is told to use
    the C collation. -#}
{% macro text_sort_key(expression) -%}
    {{ return(adapter.dispatch('text_sort_key', 'behavioral_segmentation')(expression)) }}
{%- endmacro %}

{% macro default__text_sort_key(expression) -%}
    {{ expression }}
{%- endmacro %}

{% macro postgres__text_sort_key(expression) -%}
    {{ expression }} collate "C"
{%- endmacro %}
