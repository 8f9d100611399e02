{#- Raw files as tables, on engines that read files through a catalog (Spark).

    DuckDB reads the raw files named by the vars raw_events_path,
    raw_customers_path, raw_consents_path and raw_erasure_requests_path
    directly (external_location in models/staging/_raw__sources.yml); PostgreSQL
    has them loaded as tables. On Spark an on-run-start hook registers each
    configured file as an external Parquet (or CSV) table of the schema
    raw_schema, so the sources resolve to `raw.events` and so on as on any
    server warehouse. A file that is missing (or a var set to '') leaves no
    table: an optional source is then absent, and the required events fail
    the build naming the var (spark__require_source).

    Tables that exist but were not registered by this hook (raw tables loaded
    on a real cluster) are never dropped or replaced: the vars are then ignored
    for them. -#}

{#- (source table, var, path) for every raw file; the defaults are the ones of
    models/staging/_raw__sources.yml: the demo files when raw_events_path is
    unset, no optional file when it is set. -#}
{% macro raw_file_vars() -%}
    {%- set demo = var('raw_events_path', none) is none -%}
    {{ return([
        ('events', 'raw_events_path', var('raw_events_path', 'data/demo/events.parquet')),
        ('customers', 'raw_customers_path', var('raw_customers_path', 'data/demo/customers.parquet' if demo else '')),
        ('consents', 'raw_consents_path', var('raw_consents_path', 'data/demo/consents.parquet' if demo else '')),
        ('erasure_requests', 'raw_erasure_requests_path', var('raw_erasure_requests_path', '')),
    ]) }}
{%- endmacro %}

{% macro register_raw_files() -%}
    {{ return(adapter.dispatch('register_raw_files', 'behavioral_segmentation')()) }}
{%- endmacro %}

{% macro default__register_raw_files() -%}
{%- endmacro %}

{#- The table property that marks a table registered by this hook. -#}
{% macro raw_file_property() -%}
    {{ return('segwh.raw_file_var') }}
{%- endmacro %}

{% macro spark__register_raw_files() -%}
    {%- if execute -%}
        {%- set raw_schema = var('raw_schema', 'raw') -%}
        {%- do run_query('create schema if not exists ' ~ raw_schema) -%}
        {%- for table, var_name, path in raw_file_vars() -%}
            {%- set path = spark__absolute_raw_path((path or '') | string | trim) -%}
            {%- set relation = api.Relation.create(schema=raw_schema, identifier=table, type='table') -%}
            {%- set existing = adapter.get_relation(database=none, schema=raw_schema, identifier=table) -%}
            {%- if existing is not none and not spark__is_registered_raw_file(relation) -%}
                {%- do log('Raw ' ~ table ~ ': keeping the existing table ' ~ relation
                           ~ ' (not registered from a file); var ' ~ var_name ~ ' is ignored.', info=true) -%}
            {%- else -%}
                {%- if existing is not none -%}
                    {#- external table: dropping it leaves the file alone -#}
                    {%- do run_query('drop table if exists ' ~ relation) -%}
                    {%- do adapter.cache_dropped(existing) -%}
                {%- endif -%}
                {%- if path != '' and spark__raw_file_exists(path) -%}
                    {%- set csv = path.lower().endswith('.csv') or path.lower().endswith('.csv.gz') -%}
                    {%- do run_query(
                        'create table ' ~ relation ~ ' using ' ~ ('csv' if csv else 'parquet')
                        ~ " options (path " ~ sql_string(path)
                        ~ (", header 'true', inferSchema 'false'" if csv else '') ~ ')'
                        ~ " tblproperties ('" ~ raw_file_property() ~ "' = '" ~ var_name ~ "', '"
                        ~ raw_file_path_property() ~ "' = " ~ sql_string(path) ~ ")"
                    ) -%}
                    {#- dbt listed the schema's tables at run start: tell its cache -#}
                    {%- do adapter.cache_added(relation) -%}
                {%- endif -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}

{#- A relative raw path resolved as on DuckDB: against the directory dbt
    runs in (the project folder with the Makefile and the README's commands).
    A table location is otherwise resolved against the Spark warehouse folder.
    Spark's driver resolves a path it reads directly (binaryFile.`path`)
    against its own working directory, which in session mode is the dbt
    process's: the first file it lists there, cut at the relative path, gives
    the absolute folder. Absolute paths, URIs (file:, s3a://, hdfs://, dbfs:/
    ...) and paths where nothing exists are left as they are. -#}
{% macro spark__absolute_raw_path(path) -%}
    {%- set relative = path[2:] if path.startswith('./') else path -%}
    {%- if relative == '' or relative.startswith('/') or ':' in relative.split('/')[0] or not execute -%}
        {{ return(path) }}
    {%- endif -%}
    {%- set listed = run_query('select path from binaryFile.`' ~ relative ~ '` limit 1') -%}
    {%- set found = listed.columns[0].values()[0] if listed.rows | length > 0 else '' -%}
    {%- set at = found.find('/' ~ relative.rstrip('/')) -%}
    {%- if at < 0 -%}
        {{ return(path) }}
    {%- endif -%}
    {{ return(found[:at] ~ '/' ~ relative) }}
{%- endmacro %}

{#- Whether a file (or folder of files) exists, without failing when it does
    not: a catalog table over a missing location reads as empty. -#}
{% macro spark__raw_file_exists(path) -%}
    {%- set probe = api.Relation.create(schema=var('raw_schema', 'raw'), identifier='segwh_file_probe', type='table') -%}
    {%- do run_query('drop table if exists ' ~ probe) -%}
    {%- do run_query('create table ' ~ probe
                     ~ ' (path string, modificationTime timestamp, length bigint, content binary)'
                     ~ " using binaryFile location '" ~ path | replace("'", "\\'") ~ "'") -%}
    {%- set found = run_query('select count(*) from ' ~ probe) -%}
    {%- do run_query('drop table if exists ' ~ probe) -%}
    {{ return(found.columns[0].values()[0] > 0) }}
{%- endmacro %}

{#- The table property that holds the registered file, folder or glob. -#}
{% macro raw_file_path_property() -%}
    {{ return('segwh.raw_file_path') }}
{%- endmacro %}

{#- The file, folder or glob a raw table was registered from by this hook;
    none for a table loaded otherwise (or registered before the path was kept). -#}
{% macro spark__raw_file_location(relation) -%}
    {%- if adapter.get_relation(database=none, schema=relation.schema, identifier=relation.identifier) is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set properties = run_query('show tblproperties ' ~ relation) -%}
    {%- for row in properties.rows if row[0] == raw_file_path_property() -%}
        {{ return(row[1]) }}
    {%- endfor -%}
    {{ return(none) }}
{%- endmacro %}

{% macro spark__is_registered_raw_file(relation) -%}
    {%- set properties = run_query('show tblproperties ' ~ relation) -%}
    {{ return(raw_file_property() in properties.columns[0].values()) }}
{%- endmacro %}
