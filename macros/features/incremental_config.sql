{#- How the incremental models (base_raw__events, int_orders_netted,
    customer_segment_history, segment_transitions) replace rows, per engine.
    A model calls
        config(materialized='incremental', **incremental_config(unique_key, partition_by))
    and reads incremental_replaces_by_key() where its incremental filter
    depends on it.

    DuckDB, PostgreSQL (default): delete+insert on unique_key; post-hooks
    delete the rows that must go (macros/features/incremental_upkeep.sql,
    macros/config/forget_erased_customers.sql).

    Spark (Parquet tables, no MERGE, no DELETE, no UPDATE): insert_overwrite.
    With partition_by, the partitions (values of that column) present in the
    new rows are overwritten as a whole (spark.sql.sources.partitionOverwriteMode
    dynamic), so a model must select every row of each partition it touches;
    partitions it does not select are kept. Without partition_by the whole
    table is overwritten. Row-deleting post-hooks are no-ops there (see
    docs/engines.md, section Spark). -#}
{% macro incremental_config(unique_key, partition_by=none) -%}
    {{ return(adapter.dispatch('incremental_config', 'behavioral_segmentation')(unique_key, partition_by)) }}
{%- endmacro %}

{% macro default__incremental_config(unique_key, partition_by=none) -%}
    {{ return({'incremental_strategy': 'delete+insert', 'unique_key': unique_key}) }}
{%- endmacro %}

{% macro spark__incremental_config(unique_key, partition_by=none) -%}
    {%- set settings = {'incremental_strategy': 'insert_overwrite'} -%}
    {%- if partition_by -%}
        {%- do settings.update({'partition_by': [partition_by]}) -%}
    {%- endif -%}
    {{ return(settings) }}
{%- endmacro %}

{#- Whether an incremental run may write only the rows it recomputed, replacing
    them by key (true), or must write whole partitions or the whole table (false). -#}
{% macro incremental_replaces_by_key() -%}
    {{ return(adapter.dispatch('incremental_replaces_by_key', 'behavioral_segmentation')()) }}
{%- endmacro %}

{% macro default__incremental_replaces_by_key() -%}
    {{ return(true) }}
{%- endmacro %}

{% macro spark__incremental_replaces_by_key() -%}
    {{ return(false) }}
{%- endmacro %}
