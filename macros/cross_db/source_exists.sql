{#- Whether an optional raw source is there to read. On DuckDB a source points
    at a file through `external_location` ('' means "no file"); elsewhere it is
    a table that may not exist. Always true while dbt parses. -#}
{% macro source_exists(relation) -%}
    {%- if not execute -%}
        {{ return(true) }}
    {%- endif -%}
    {{ return(adapter.dispatch('source_exists', 'behavioral_segmentation')(relation)) }}
{%- endmacro %}

{% macro default__source_exists(relation) -%}
    {%- set found = adapter.get_relation(
        database=relation.database, schema=relation.schema, identifier=relation.identifier) -%}
    {{ return(found is not none) }}
{%- endmacro %}

{% macro duckdb__source_exists(relation) -%}
    {%- if relation.external is none -%}
        {{ return(default__source_exists(relation)) }}
    {%- endif -%}
    {{ return(relation.external | trim not in ["", "''"]) }}
{%- endmacro %}
