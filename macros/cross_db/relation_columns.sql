{#- Lower-cased column names of a relation or external file, read from an empty
    query result so it works for tables, views and DuckDB file sources alike.
    Returns an empty list while dbt parses (no database access then). -#}
{% macro relation_columns(relation) -%}
    {%- if not execute -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set result = run_query('select * from ' ~ relation ~ ' where 1 = 0') -%}
    {{ return(result.column_names | map('lower') | list) }}
{%- endmacro %}

{#- `<column>` when the relation has it, else a typed NULL, so optional raw
    columns may be absent from a user's file. -#}
{% macro optional_column(available, column, data_type) -%}
    {%- if column in available -%}
        cast({{ column }} as {{ data_type }})
    {%- else -%}
        cast(null as {{ data_type }})
    {%- endif -%}
{%- endmacro %}

{#- Fail with a message naming the source and the missing columns. -#}
{% macro require_columns(available, required, source_label) -%}
    {%- if execute -%}
        {%- set missing = [] -%}
        {%- for column in required if column not in available -%}
            {%- do missing.append(column) -%}
        {%- endfor -%}
        {%- if missing and available | length <= 1 and (available | join('')).startswith('column') -%}
            {{ exceptions.raise_compiler_error(
                "Raw " ~ source_label ~ " is empty or has no header row: expected the columns "
                ~ required | join(', ') ~ "."
            ) }}
        {%- endif -%}
        {%- if missing -%}
            {{ exceptions.raise_compiler_error(
                "Raw " ~ source_label ~ " is missing required column(s): " ~ missing | join(', ')
                ~ ". Found: " ~ available | join(', ') ~ "."
            ) }}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}
