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

{#- The opposite: placed between `name as` and the parenthesis of a CTE that
    must be computed once and kept, so the planner sees each step of a long
    chain on its own. PostgreSQL otherwise inlines every CTE read once into one
    query tree; for the unrolled likelihood search (macro
    maximize_log_likelihood) planning that tree took over 20 GB. DuckDB and
    Spark plan the chain as it is. -#}
{% macro materialized_cte() -%}
    {{ return(adapter.dispatch('materialized_cte', 'behavioral_segmentation')()) }}
{%- endmacro %}

{% macro default__materialized_cte() -%}
{%- endmacro %}

{% macro postgres__materialized_cte() -%}
    materialized
{%- endmacro %}

{#- Placed at the end of a subquery's select (after its from/where) whose
    computed columns the outer query reads more than once: PostgreSQL pulls a
    simple subquery up into its parent and copies each column's expression
    into every place it is used, with no common subexpression elimination.
    In the likelihood search (macro ml_evaluate) each row's log-likelihood
    was so computed dozens of times over (stages reading earlier stages, the
    bounded sum reading it three times): 14 microseconds a row, 146 s for the
    period-end fits of the test demo. `offset 0` keeps such a subquery a
    subquery. DuckDB and Spark do not copy expensive expressions this way. -#}
{% macro projection_fence() -%}
    {{ return(adapter.dispatch('projection_fence', 'behavioral_segmentation')()) }}
{%- endmacro %}

{% macro default__projection_fence() -%}
{%- endmacro %}

{% macro postgres__projection_fence() -%}
    offset 0
{%- endmacro %}
