{#- Parsing raw values that may not parse. A value that cannot be read becomes
    NULL instead of failing the build; staging compares it with the raw text to
    quarantine the row with a reason (models/staging/base/base_raw__events.sql).
    Typed columns are range-checked before any cast, so NaN, Infinity, a value
    too large for the target type or an integer overflow is NULL too. -#}

{#- Trimmed text of any raw column; '' becomes NULL. -#}
{% macro raw_text(column) -%}
    nullif(trim(cast({{ column }} as {{ dbt.type_string() }})), '')
{%- endmacro %}

{#- Whether an engine's type name (as column_data_type returns it) is text. -#}
{% macro is_text_type(data_type) -%}
    {%- set data_type = data_type | lower -%}
    {{ return(data_type in ['varchar', 'text', 'string', 'character varying', 'character', 'bpchar', 'unknown', '']
              or data_type.startswith('varchar') or data_type.startswith('character')) }}
{%- endmacro %}

{#- The documented timestamp grammar (ISO 8601), in full:
      YYYY-MM-DD
      YYYY-MM-DD[T| ]hh:mm[:ss[.fraction]][Z | +hh[:mm] | -hh[:mm]]
    hours 00-23, minutes and seconds 00-59, up to 6 fraction digits, offsets
    up to 14 hours written right after the time (+hhmm too). Anything else
    ('10:00:00 PM', a trailing zone name, an offset of +25:00, a date without
    its dashes) is not a timestamp. -#}
{% macro timestamp_grammar() -%}
    {{ return('^[0-9]{4}-[0-9]{2}-[0-9]{2}'
              ~ '([T ]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9]([.][0-9]{1,6})?)?'
              ~ '([zZ]|[+-](0[0-9]|1[0-4])(:?[0-5][0-9])?)?)?$') }}
{%- endmacro %}

{#- A raw time column as a UTC timestamp without time zone. Text must follow
    timestamp_grammar(): with an offset it is converted to UTC, without one it
    already means UTC; text outside the grammar, or naming a day that does not
    exist, gives NULL. A number column (epoch seconds or milliseconds) stops
    the build naming the column: its unit cannot be told from the data. -#}
{% macro parsed_utc_timestamp(relation, column, source_label=none) -%}
    {%- set data_type = column_data_type(relation, column) | lower -%}
    {%- if is_text_type(data_type) -%}
        case
            when {{ regex_matches(raw_text(column), timestamp_grammar()) }}
                then {{ adapter.dispatch('parse_utc_timestamp_text', 'behavioral_segmentation')(raw_text(column)) }}
        end
    {%- elif modules.re.search('int|double|float|decimal|numeric|real|number', data_type) -%}
        {{ exceptions.raise_compiler_error(
            "Raw " ~ (source_label or relation) ~ ": column " ~ column ~ " holds numbers (" ~ data_type
            ~ "), not timestamps. Epoch numbers are not converted, as their unit (seconds, milliseconds)"
            ~ " cannot be told from the data: export it as ISO 8601 text or as a timestamp column."
        ) }}
    {%- else -%}
        {{ utc_timestamp(relation, column) }}
    {%- endif -%}
{%- endmacro %}

{#- Whether trimmed text ends in a time of day followed by a UTC offset. -#}
{% macro text_has_utc_offset(text) -%}
    {{ regex_matches(text, '[0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]+)?)?([zZ]|[+-][0-9]{2}(:?[0-9]{2})?)$') }}
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

{#- A raw numeric column as data_type, NULL where the value is not a number
    that fits. Text must be a plain decimal number ('12', '-3.50', '.5'; at
    most 15 digits before the point; whole numbers: at most 9 digits, and
    only zeros after a point, as spreadsheets write '2.0'); anything else
    ('abc', '1e3', 'NaN', '12,50', '1.5' for a whole number, '99999999999')
    gives NULL. A typed column (double, decimal, bigint) must lie strictly between
    -10^15 and 10^15 (whole: -10^9 and 10^9, and be whole): the comparison is
    false for NaN and Infinity on every engine, so they give NULL too. -#}
{% macro parsed_number(relation, column, data_type, whole=false) -%}
    {%- set column_type = column_data_type(relation, column) | lower -%}
    {%- set limit = '1000000000' if whole else '1000000000000000' -%}
    {%- if is_text_type(column_type) -%}
        case
            {% if whole -%}
            when {{ regex_matches(raw_text(column), '^[+-]?[0-9]{1,9}([.]0*)?$') }}
                then cast(cast({{ raw_text(column) }} as decimal(18, 6)) as {{ data_type }})
            {%- else -%}
            when {{ regex_matches(raw_text(column), '^[+-]?([0-9]{1,15}([.][0-9]*)?|[.][0-9]+)$') }}
                then cast({{ raw_text(column) }} as {{ data_type }})
            {%- endif %}
        end
    {%- elif column_type in ['boolean', 'bool'] -%}
        cast(null as {{ data_type }})
    {%- else -%}
        case
            when {{ column }} > -{{ limit }} and {{ column }} < {{ limit }}
                {%- if whole %} and {{ column }} = floor({{ column }}){% endif %}
                then cast({{ column }} as {{ data_type }})
        end
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
