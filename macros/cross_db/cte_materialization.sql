{#- Placed between `name as` and the parenthesis of a CTE that is read more
    than once but should be computed where it is used rather than stored:
    DuckDB otherwise keeps such a CTE (all its rows and columns) in memory for
    the whole query. At 10M raw events that took base_raw__events from 1.9 GB
    to 10.7 GB of buffer memory for the same time. Other engines keep their
    default (PostgreSQL materializes to a spillable tuplestore; Spark has no
    such hint). -#}
{% macro inline_cte() -%}
    {{ return(adapter.dispatch('inline_cte', 'behavioral_segmentation')()) }}
{%- endmacro %}

{% macro default__inline_cte() -%}
{%- endmacro %}

{% macro duckdb__inline_cte() -%}
    not materialized
{%- endmacro %}
