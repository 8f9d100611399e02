{#- Fail at once, naming the file or table and the var that points at it, when a
    required raw source is not there (instead of an engine error mid-build). -#}
{% macro require_source(relation, label, var_name) -%}
    {%- if execute -%}
        {{ return(adapter.dispatch('require_source', 'behavioral_segmentation')(relation, label, var_name)) }}
    {%- endif -%}
{%- endmacro %}

{% macro default__require_source(relation, label, var_name) -%}
    {%- if not default__source_exists(relation) -%}
        {{ exceptions.raise_compiler_error(
            "Raw " ~ label ~ " not found: there is no table " ~ relation
            ~ ". Load it, or point the var 'raw_schema' at the schema that holds it."
        ) }}
    {%- endif -%}
{%- endmacro %}

{% macro duckdb__require_source(relation, label, var_name) -%}
    {%- if relation.external is none -%}
        {{ return(default__require_source(relation, label, var_name)) }}
    {%- endif -%}
    {%- if relation.external | trim in ['', "''"] -%}
        {{ exceptions.raise_compiler_error(
            "Raw " ~ label ~ " file not set: the var '" ~ var_name ~ "' is empty. Set it to a Parquet or CSV file or glob."
        ) }}
    {%- endif -%}
    {#- a path or glob (not a URL or a table function such as read_csv(...)) -#}
    {%- set location = raw_file_location(relation) -%}
    {%- if location is not none and '://' not in location -%}
        {%- set found = run_query("select count(*) from glob('" ~ location | replace("'", "''") ~ "')") -%}
        {%- if found.columns[0].values()[0] == 0 -%}
            {{ exceptions.raise_compiler_error(
                "Raw " ~ label ~ " file not found: no file matches '" ~ location ~ "' (var '" ~ var_name
                ~ "'). Run `make demo-data` for the demo, or point the var at your file, e.g. --vars '{"
                ~ var_name ~ ": path/to/" ~ label ~ ".parquet}'."
            ) }}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}

{#- Spark: the raw files are registered as tables at run start
    (macros/cross_db/raw_files.sql); a missing one names its file and var. -#}
{% macro spark__require_source(relation, label, var_name) -%}
    {%- if not default__source_exists(relation) -%}
        {%- set configured = [] -%}
        {%- for table, name, path in raw_file_vars() if name == var_name -%}
            {%- do configured.append((path or '') | string | trim) -%}
        {%- endfor -%}
        {%- set location = spark__absolute_raw_path(configured[0]) if configured else '' -%}
        {%- if location == '' -%}
            {{ exceptions.raise_compiler_error(
                "Raw " ~ label ~ " file not set: the var '" ~ var_name ~ "' is empty and there is no table "
                ~ relation ~ ". Set it to a Parquet or CSV file, or a folder of Parquet files."
            ) }}
        {%- endif -%}
        {{ exceptions.raise_compiler_error(
            "Raw " ~ label ~ " file not found: nothing at '" ~ location ~ "' (var '" ~ var_name
            ~ "'), so there is no table " ~ relation ~ ". Run `make demo-data` for the demo, or point the var at your file, e.g. --vars '{"
            ~ var_name ~ ": path/to/" ~ label ~ ".parquet}'."
        ) }}
    {%- endif -%}
{%- endmacro %}

{#- The time this dbt invocation started (UTC), as a timestamp literal: the
    detection time of quarantined rows and the reference point for "future". -#}
{% macro build_started_at() -%}
    cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S") }}' as {{ dbt.type_timestamp() }})
{%- endmacro %}
