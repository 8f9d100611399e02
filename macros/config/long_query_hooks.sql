{#- Session settings for the models that run the unrolled likelihood search
    and the CLV series (int_clv_model_fits, int_clv_purchase_curves): long
    queries, cheap to run, that engines' defaults treat badly. Used as
    `config(pre_hook=long_query_hooks(), post_hook=long_query_reset_hooks())`.
    - PostgreSQL costs them high enough to JIT-compile every expression with
      LLVM: 15 s per iteration of the search against 0.1 s without (EXPLAIN
      ANALYZE, CDNOW). JIT off.
    - Spark's analyzer gives up on the chain of steps after 100 resolution
      rounds (spark.sql.analyzer.maxIterations): 1000 allowed. Its constraint
      propagation, which grows with every alias of a long plan, is off.
    hash_joins=true (the customer feature models) also turns PostgreSQL's
    nested-loop joins off where another join method exists: it estimates
    stg_raw__customers (a view whose filters are expressions it has no
    statistics for) at 1 row and joined 58,021 customer-dates to it by a
    nested loop, comparing 290 million pairs: 42 of the 50 s of
    int_customer_period_end_features on the 5,000-customer demo.
    The post-hooks restore the settings. DuckDB gets no hooks. -#}
{% macro long_query_hooks(hash_joins=false) -%}
    {{ return(adapter.dispatch('long_query_hooks', 'behavioral_segmentation')(hash_joins)) }}
{%- endmacro %}

{% macro default__long_query_hooks(hash_joins) -%}
    {{ return([]) }}
{%- endmacro %}

{% macro postgres__long_query_hooks(hash_joins) -%}
    {{ return(['set jit = off'] + (['set enable_nestloop = off'] if hash_joins else [])) }}
{%- endmacro %}

{% macro spark__long_query_hooks(hash_joins) -%}
    {{ return(['set spark.sql.analyzer.maxIterations = 1000', 'set spark.sql.constraintPropagation.enabled = false']) }}
{%- endmacro %}

{% macro long_query_reset_hooks() -%}
    {{ return(adapter.dispatch('long_query_reset_hooks', 'behavioral_segmentation')()) }}
{%- endmacro %}

{% macro default__long_query_reset_hooks() -%}
    {{ return([]) }}
{%- endmacro %}

{% macro postgres__long_query_reset_hooks() -%}
    {{ return(['reset jit', 'reset enable_nestloop']) }}
{%- endmacro %}

{% macro spark__long_query_reset_hooks() -%}
    {{ return(['reset spark.sql.analyzer.maxIterations', 'reset spark.sql.constraintPropagation.enabled']) }}
{%- endmacro %}
