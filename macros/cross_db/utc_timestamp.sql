{#- A raw time column as a UTC timestamp without time zone, whatever its type:
    naive timestamps are taken as UTC already; time-zone-aware ones (and text
    with offsets, on DuckDB) are converted to UTC explicitly, so the result never
    depends on the session time zone of the warehouse. -#}
{% macro utc_timestamp(relation, column) -%}
    {%- set data_type = column_data_type(relation, column) | lower -%}
    {{ return(adapter.dispatch('utc_timestamp', 'behavioral_segmentation')(column, data_type)) }}
{%- endmacro %}

{% macro default__utc_timestamp(column, data_type) -%}
    {%- if 'with time zone' in data_type or data_type == 'timestamptz' -%}
        cast(({{ column }} at time zone 'UTC') as {{ dbt.type_timestamp() }})
    {%- else -%}
        cast({{ column }} as {{ dbt.type_timestamp() }})
    {%- endif -%}
{%- endmacro %}

{% macro duckdb__utc_timestamp(column, data_type) -%}
    {%- if 'with time zone' in data_type or data_type == 'timestamptz' -%}
        timezone('UTC', {{ column }})
    {%- elif data_type in ['varchar', 'text', 'string'] -%}
        timezone('UTC', cast({{ column }} as timestamptz))
    {%- else -%}
        cast({{ column }} as {{ dbt.type_timestamp() }})
    {%- endif -%}
{%- endmacro %}

{#- Spark: a timestamp is an instant shown in the session time zone, which the
    profile sets to UTC; timestamp_ntz (naive Parquet timestamps) and text with
    or without an offset are read as UTC by a cast in that session. -#}
{% macro spark__utc_timestamp(column, data_type) -%}
    cast({{ column }} as {{ dbt.type_timestamp() }})
{%- endmacro %}

{#- The database type of one column of a relation or external file, read from
    the engine itself; '' while dbt parses. -#}
{% macro column_data_type(relation, column) -%}
    {%- if not execute -%}
        {{ return('') }}
    {%- endif -%}
    {{ return(adapter.dispatch('column_data_type', 'behavioral_segmentation')(relation, column)) }}
{%- endmacro %}

{% macro default__column_data_type(relation, column) -%}
    {%- set result = run_query('select pg_typeof(' ~ column ~ ')::text as data_type from ' ~ relation ~ ' limit 1') -%}
    {{ return(result.columns[0].values()[0] if result.rows | length > 0 else '') }}
{%- endmacro %}

{% macro duckdb__column_data_type(relation, column) -%}
    {%- set result = run_query('select typeof(' ~ column ~ ') as data_type from ' ~ relation ~ ' limit 1') -%}
    {{ return(result.columns[0].values()[0] if result.rows | length > 0 else '') }}
{%- endmacro %}

{% macro spark__column_data_type(relation, column) -%}
    {%- set result = run_query('select typeof(' ~ column ~ ') as data_type from ' ~ relation ~ ' limit 1') -%}
    {{ return(result.columns[0].values()[0] if result.rows | length > 0 else '') }}
{%- endmacro %}
