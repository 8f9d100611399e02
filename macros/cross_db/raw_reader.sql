{#- How a model reads a raw source, so that no raw value can fail a cast.

    DuckDB reads the files named by the raw_*_path vars. dbt-duckdb renders a
    source's external_location as a quoted path, which breaks on a path holding
    an apostrophe and lets DuckDB's CSV reader guess column types from a sample
    (a bad value after the sample then fails the whole build). raw_reader
    returns an explicit reader instead:
      *.csv, *.csv.gz, *.tsv   read_csv(path, all_varchar = true, header = true,
                               union_by_name = true): every column is text,
                               parsed later by the quarantine checks;
      *.parquet (and globs)    read_parquet(path, union_by_name = true);
      anything else            the quoted path (DuckDB picks the reader);
      a table function         (the var set to e.g. read_json('...')) as given.
    The path is escaped, so quotes and spaces in it are safe.

    Elsewhere (PostgreSQL, Spark) the source is a table and is read as it is;
    Spark registers CSV files with every column as text
    (macros/cross_db/raw_files.sql). -#}
{% macro raw_reader(relation) -%}
    {{ return(adapter.dispatch('raw_reader', 'behavioral_segmentation')(relation)) }}
{%- endmacro %}

{% macro default__raw_reader(relation) -%}
    {{ return(relation) }}
{%- endmacro %}

{% macro duckdb__raw_reader(relation) -%}
    {%- set path = raw_file_location(relation) -%}
    {%- if path is none -%}
        {{ return(relation) }}
    {%- endif -%}
    {%- set quoted = "'" ~ path | replace("'", "''") ~ "'" -%}
    {%- set lowered = path | lower -%}
    {%- if lowered.endswith('.csv') or lowered.endswith('.csv.gz') or lowered.endswith('.tsv') -%}
        {{ return('read_csv(' ~ quoted ~ ', all_varchar = true, header = true, union_by_name = true)') }}
    {%- elif lowered.endswith('.parquet') -%}
        {{ return('read_parquet(' ~ quoted ~ ', union_by_name = true)') }}
    {%- endif -%}
    {{ return(quoted) }}
{%- endmacro %}

{#- The file path or glob a DuckDB source points at, unquoted; none when the
    source is a table, or a table function the user wrote (read_json(...)). -#}
{% macro raw_file_location(relation) -%}
    {%- if relation.external is not defined or relation.external is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set location = relation.external | trim -%}
    {#- dbt-duckdb wraps a plain path in single quotes without escaping it -#}
    {%- if location.startswith("'") and location.endswith("'") and location | length >= 2 -%}
        {{ return(location[1:-1]) }}
    {%- endif -%}
    {%- if modules.re.match('^[A-Za-z_][A-Za-z0-9_]*[(]', location) -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return(location) }}
{%- endmacro %}

{#- How messages name a raw source: its file path on DuckDB, else the table. -#}
{% macro raw_label(relation) -%}
    {%- set path = raw_file_location(relation) -%}
    {{ return(path if path is not none else relation | string) }}
{%- endmacro %}
