{#- Session settings for the models that run the unrolled likelihood search
    and the CLV series (int_clv_model_fits, int_clv_purchase_curves): long
    queries, cheap to run, that engines' defaults treat badly.
    - PostgreSQL costs them high enough to JIT-compile every expression with
      LLVM: 15 s per iteration of the search against 0.1 s without (EXPLAIN
      ANALYZE, CDNOW). The pre-hook turns JIT off for the session.
    - Spark's analyzer gives up on the chain of steps after 100 resolution
      rounds (spark.sql.analyzer.maxIterations); the pre-hook allows 1000.
    The post-hook restores the setting. DuckDB gets empty hooks, which dbt skips. -#}
{% macro long_query_hook() -%}
    {{ return(adapter.dispatch('long_query_hook', 'behavioral_segmentation')()) }}
{%- endmacro %}

{% macro default__long_query_hook() -%}
{%- endmacro %}

{% macro postgres__long_query_hook() -%}
    set jit = off
{%- endmacro %}

{% macro spark__long_query_hook() -%}
    set spark.sql.analyzer.maxIterations = 1000
{%- endmacro %}

{% macro long_query_reset_hook() -%}
    {{ return(adapter.dispatch('long_query_reset_hook', 'behavioral_segmentation')()) }}
{%- endmacro %}

{% macro default__long_query_reset_hook() -%}
{%- endmacro %}

{% macro postgres__long_query_reset_hook() -%}
    reset jit
{%- endmacro %}

{% macro spark__long_query_reset_hook() -%}
    reset spark.sql.analyzer.maxIterations
{%- endmacro %}
