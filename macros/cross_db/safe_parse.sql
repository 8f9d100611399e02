{#- Parsing raw values that may not parse. A value that cannot be read becomes
    NULL instead of failing the build; staging compares it with the raw text to
    quarantine the row with a reason (models/staging/base/base_raw__events.sql).
    Typed columns (a Parquet timestamp or double) are cast as they are. -#}

{#- Trimmed text of any raw column; '' becomes NULL. -#}
{% macro raw_text(column) -%}
    nullif(trim(cast({{ column }} as {{ dbt.type_string() }})), '')
{%- endmacro %}

{#- A raw time column as a UTC timestamp without time zone. Text is read as
    ISO 8601 (it must start with YYYY-MM-DD): with an offset ('Z', '+02:00') it is converted to UTC, without
    one it already means UTC. Text that is not a valid time gives NULL. -#}
{% macro parsed_utc_timestamp(relation, column) -%}
    {%- set data_type = column_data_type(relation, column) | lower -%}
    {%- if data_type in ['varchar', 'text', 'string', 'character varying'] or data_type.startswith('varchar') -%}
        case
            when {{ regex_matches(raw_text(column), '^[0-9]{4}-[0-9]{2}-[0-9]{2}') }}
                then {{ adapter.dispatch('parse_utc_timestamp_text', 'behavioral_segmentation')(raw_text(column)) }}
        end
    {%- else -%}
        {{ utc_timestamp(relation, column) }}
    {%- endif -%}
{%- endmacro %}

{#- Whether trimmed text ends in a time of day followed by a UTC offset. -#}
{% macro text_has_utc_offset(text) -%}
    {{ regex_matches(text, '[0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]+)?)? *([zZ]|[+-][0-9]{2}(:?[0-9]{2})?)$') }}
{%- endmacro %}

{% macro default__parse_utc_timestamp_text(text) -%}
    case
        when {{ text_has_utc_offset(text) }}
            then cast(({{ parse_function_schema() }}.segwh_try_timestamptz({{ text }}) at time zone 'UTC') as {{ dbt.type_timestamp() }})
        else {{ parse_function_schema() }}.segwh_try_timestamp({{ text }})
    end
{%- endmacro %}

{% macro duckdb__parse_utc_timestamp_text(text) -%}
    case
        when {{ text_has_utc_offset(text) }}
            then timezone('UTC', try_cast({{ text }} as timestamptz))
        else try_cast({{ text }} as timestamp)
    end
{%- endmacro %}

{#- Spark: a cast that does not parse gives NULL (spark.sql.ansi.enabled is
    false, as dbt-spark sets it); an offset is honoured, text without one is
    read in the session time zone, UTC (profiles.yml). -#}
{% macro spark__parse_utc_timestamp_text(text) -%}
    cast({{ text }} as {{ dbt.type_timestamp() }})
{%- endmacro %}

{#- A raw numeric column as data_type. Text must be a plain decimal number
    ('12', '-3.50', '.5'; at most 15 digits before the point); anything else
    ('abc', '1e3', 'NaN', '12,50') gives NULL. -#}
{% macro parsed_number(relation, column, data_type) -%}
    {%- set column_type = column_data_type(relation, column) | lower -%}
    {%- if column_type in ['varchar', 'text', 'string', 'character varying'] or column_type.startswith('varchar') -%}
        case
            when {{ regex_matches(raw_text(column), '^[+-]?([0-9]{1,15}([.][0-9]*)?|[.][0-9]+)$') }}
                then cast({{ raw_text(column) }} as {{ data_type }})
        end
    {%- else -%}
        cast({{ column }} as {{ data_type }})
    {%- endif -%}
{%- endmacro %}

{#- Whether text matches a POSIX regular expression (NULL for NULL text). -#}
{% macro regex_matches(text, pattern) -%}
    {{ adapter.dispatch('regex_matches', 'behavioral_segmentation')(text, pattern) }}
{%- endmacro %}

{% macro default__regex_matches(text, pattern) -%}
    ({{ text }} ~ '{{ pattern }}')
{%- endmacro %}

{% macro duckdb__regex_matches(text, pattern) -%}
    regexp_matches({{ text }}, '{{ pattern }}')
{%- endmacro %}

{% macro spark__regex_matches(text, pattern) -%}
    ({{ text }} rlike '{{ pattern }}')
{%- endmacro %}

{#- PostgreSQL has no cast that returns NULL on bad input (before version 16),
    so the project creates two small functions at run start, in the target
    schema. Other engines need nothing. -#}
{% macro parse_function_schema() -%}
    {{ target.schema }}
{%- endmacro %}

{% macro create_parse_functions() -%}
    {{ return(adapter.dispatch('create_parse_functions', 'behavioral_segmentation')()) }}
{%- endmacro %}

{% macro default__create_parse_functions() -%}
{%- endmacro %}

{% macro postgres__create_parse_functions() -%}
    create schema if not exists {{ parse_function_schema() }};
    create or replace function {{ parse_function_schema() }}.segwh_try_timestamptz(value text)
    returns timestamptz language plpgsql immutable as $$
    begin
        return value::timestamptz;
    exception when others then
        return null;
    end $$;
    create or replace function {{ parse_function_schema() }}.segwh_try_timestamp(value text)
    returns timestamp language plpgsql immutable as $$
    begin
        return value::timestamp;
    exception when others then
        return null;
    end $$;
{%- endmacro %}
