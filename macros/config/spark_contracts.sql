{#- Spark: the marts' contracts declare PostgreSQL/DuckDB type names (text,
    double precision), which Spark SQL does not parse. dbt builds the declared
    schema from a query casting NULL to each declared type; this version
    (found before dbt's own through the dispatch search_order in
    dbt_project.yml) translates the names first, so one contract serves every
    engine. Contracts compare names and types as before; Spark does not enforce
    not_null constraints on Parquet tables (the not_null data tests do). -#}
{% macro spark__get_empty_schema_sql(columns) %}
    {%- set translated = {} -%}
    {%- for name in columns -%}
        {%- set column = columns[name] -%}
        {%- if column['data_type'] is defined and column['data_type'] is not none -%}
            {%- do translated.update({name: dict(column, data_type=spark_type_name(column['data_type']))}) -%}
        {%- else -%}
            {%- do translated.update({name: column}) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(default__get_empty_schema_sql(translated)) }}
{% endmacro %}

{#- The Spark SQL name of a PostgreSQL/DuckDB type name. -#}
{% macro spark_type_name(data_type) -%}
    {%- set normalized = data_type | trim | lower -%}
    {%- set names = {
        'text': 'string',
        'varchar': 'string',
        'character varying': 'string',
        'double precision': 'double',
        'float8': 'double',
        'timestamp without time zone': 'timestamp',
    } -%}
    {{ return(names.get(normalized, data_type)) }}
{%- endmacro %}
