{#- Hooks for the models that run the unrolled likelihood search and the CLV
    series (int_clv_model_fits, int_clv_purchase_curves). Their queries are
    long but cheap; PostgreSQL's planner costs them high enough to JIT-compile
    every expression with LLVM, which took 15 s per iteration of the search
    against 0.1 s without (EXPLAIN ANALYZE, CDNOW). The pre-hook turns JIT off
    for the session, the post-hook restores the server's setting. Other engines
    get empty hooks, which dbt skips. -#}
{% macro jit_off_hook() -%}
    {{ return(adapter.dispatch('jit_off_hook', 'behavioral_segmentation')()) }}
{%- endmacro %}

{% macro default__jit_off_hook() -%}
{%- endmacro %}

{% macro postgres__jit_off_hook() -%}
    set jit = off
{%- endmacro %}

{% macro jit_reset_hook() -%}
    {{ return(adapter.dispatch('jit_reset_hook', 'behavioral_segmentation')()) }}
{%- endmacro %}

{% macro default__jit_reset_hook() -%}
{%- endmacro %}

{% macro postgres__jit_reset_hook() -%}
    reset jit
{%- endmacro %}
