{#- What a build of base_raw__events reads: the load plan.

    The raw events are loaded once. base_raw__events keeps every raw row it
    has read (one row per distinct row and source file, clean or not) and one
    bookkeeping row per loaded file (outcome 'file': path, size, modification
    time, rows read, rows erased). A build compares the files present now with
    those rows and reads only what is new:

    Files (DuckDB: raw_events_path is a file, a folder glob or a list of files)
      - a file not loaded yet is read;
      - a file whose size or modification time changed (rewritten in place), or
        that disappeared, makes the build reload every present file ('full'
        mode): the landing folder is the truth, so the result always equals a
        --full-refresh. Rows of a file that disappeared leave with it;
      - nothing new: the build reads no raw event row.
    Tables (PostgreSQL and other servers)
      - with the load-timestamp column named by the var raw_loaded_at_column
        (default _loaded_at, as Fivetran and Airbyte write one), only rows
        loaded after the latest one already read are new: each load is a
        "file" named '<table> @ <build start>' whose modification time is the
        latest load timestamp it read;
      - without it, the whole table is read and checked on every build.
    Spark, a table function (read_json(...)) or a URL: the whole source on every
    build.

    Returns {mode: 'full' | 'incremental', kind: 'files' | 'table',
    files: [{path, size, modified_at}] to read, dropped: [paths whose rows go],
    loaded_at_column: name or none, why: text for the log}. -#}
{% macro event_load_plan(relation) -%}
    {{ return(adapter.dispatch('event_load_plan', 'behavioral_segmentation')(relation)) }}
{%- endmacro %}

{% macro default__event_load_plan(relation) -%}
    {%- set plan = {'mode': 'full', 'kind': 'table', 'files': [], 'dropped': [], 'loaded_at_column': none,
                    'why': 'the whole table is read'} -%}
    {%- set column = (var('raw_loaded_at_column', '_loaded_at') or '') | string | trim | lower -%}
    {%- if execute and column != '' and column in relation_columns(relation) -%}
        {%- do plan.update({'loaded_at_column': column}) -%}
        {%- if is_incremental() and event_loads_compatible() -%}
            {%- do plan.update({'mode': 'incremental', 'why': 'rows with ' ~ column ~ ' after the last load'}) -%}
        {%- endif -%}
    {%- endif -%}
    {{ return(plan) }}
{%- endmacro %}

{% macro spark__event_load_plan(relation) -%}
    {{ return({'mode': 'full', 'kind': 'table', 'files': [], 'dropped': [], 'loaded_at_column': none,
               'why': 'Spark reads the whole source'}) }}
{%- endmacro %}

{% macro duckdb__event_load_plan(relation) -%}
    {%- set location = raw_file_location(relation) -%}
    {%- if location is none or '://' in location -%}
        {{ return(default__event_load_plan(relation)) }}
    {%- endif -%}
    {%- set plan = {'mode': 'full', 'kind': 'files', 'files': [], 'dropped': [], 'loaded_at_column': none,
                    'why': 'first load'} -%}
    {%- if not execute -%}
        {{ return(plan) }}
    {%- endif -%}
    {%- set present = [] -%}
    {%- set listing = run_query(
        "select filename, size, strftime(last_modified, '%Y-%m-%d %H:%M:%S.%f') from read_blob("
        ~ "'" ~ location | replace("'", "''") ~ "') order by filename") -%}
    {%- for row in listing.rows -%}
        {%- do present.append({'path': row[0], 'size': row[1], 'modified_at': row[2]}) -%}
    {%- endfor -%}
    {%- do plan.update({'present': present}) -%}
    {%- if not is_incremental() or not event_loads_compatible() -%}
        {%- do plan.update({'files': present, 'why': 'full load of ' ~ present | length ~ ' file(s)'}) -%}
        {{ return(plan) }}
    {%- endif -%}
    {%- set loaded = {} -%}
    {%- set stored = run_query(
        "select source_file, file_size, strftime(file_modified_at, '%Y-%m-%d %H:%M:%S.%f') from " ~ this
        ~ " where outcome = 'file'") -%}
    {%- for row in stored.rows -%}
        {%- do loaded.update({row[0]: (row[1], row[2])}) -%}
    {%- endfor -%}
    {%- set new_files, changed = [], [] -%}
    {%- set present_paths = present | map(attribute='path') | list -%}
    {%- for file in present -%}
        {%- if file.path not in loaded -%}
            {%- do new_files.append(file) -%}
        {%- elif loaded[file.path] != (file.size, file.modified_at) -%}
            {%- do changed.append(file.path) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set gone = [] -%}
    {%- for path in loaded if path not in present_paths -%}
        {%- do gone.append(path) -%}
    {%- endfor -%}
    {%- if changed or gone -%}
        {%- set why = 'reloading all ' ~ present | length ~ ' file(s): ' ~ (
            (changed | length ~ ' changed in place (' ~ changed[:3] | join(', ') ~ ')') if changed else '') ~ (
            ' and ' if changed and gone else '') ~ (
            (gone | length ~ ' gone (' ~ gone[:3] | join(', ') ~ ')') if gone else '') -%}
        {%- do log('Raw events: ' ~ why ~ '.', info=true) -%}
        {%- do plan.update({'files': present, 'why': why}) -%}
        {{ return(plan) }}
    {%- endif -%}
    {%- do plan.update({'mode': 'incremental', 'files': new_files,
                        'why': new_files | length ~ ' new file(s) of ' ~ present | length}) -%}
    {{ return(plan) }}
{%- endmacro %}

{#- A base_raw__events built before the load bookkeeping existed cannot be
    continued: stop and ask for one full refresh. -#}
{% macro event_loads_compatible() -%}
    {%- if 'outcome' not in relation_columns(this) -%}
        {{ exceptions.raise_compiler_error(
            this ~ " predates the load bookkeeping (no column outcome): run `dbt build --full-refresh` once."
        ) }}
    {%- endif -%}
    {{ return(true) }}
{%- endmacro %}

{#- The raw rows a plan reads, with their source as source_file. -#}
{% macro event_load_reader(relation, plan) -%}
    {%- if plan.kind == 'files' -%}
        {%- set files = plan.files if plan.files else [] -%}
        {%- if not execute or not files -%}
            {#- nothing new: one file gives the columns, and no row is read -#}
            {%- set present = plan.get('present') or [] -%}
            {%- set first = present[0].path if present else raw_file_location(relation) -%}
            {{ return('(select * from ' ~ event_files_reader([first]) ~ ' where 1 = 0)') }}
        {%- endif -%}
        {{ return(event_files_reader(files | map(attribute='path') | list)) }}
    {%- endif -%}
    {{ return(raw_reader(relation)) }}
{%- endmacro %}

{#- DuckDB: read a list of files (one format), CSV as text, with each row's
    file path in the column event_source_file_column(). -#}
{% macro event_files_reader(paths) -%}
    {%- set quoted = [] -%}
    {%- for path in paths -%}
        {%- do quoted.append("'" ~ path | replace("'", "''") ~ "'") -%}
    {%- endfor -%}
    {%- set lowered = paths[0] | lower -%}
    {%- if lowered.endswith('.csv') or lowered.endswith('.csv.gz') or lowered.endswith('.tsv') -%}
        {{ return('read_csv([' ~ quoted | join(', ') ~ '], all_varchar = true, header = true, union_by_name = true, filename = \'' ~ event_source_file_column() ~ '\')') }}
    {%- endif -%}
    {{ return('read_parquet([' ~ quoted | join(', ') ~ '], union_by_name = true, filename = \'' ~ event_source_file_column() ~ '\')') }}
{%- endmacro %}

{#- The column the file reader adds with each row's path (a name no feed uses). -#}
{% macro event_source_file_column() -%}
    {{ return('segwh_source_file') }}
{%- endmacro %}

{#- The source_file of a raw row: its path for files; for a table, the table
    (and, with a load-timestamp column, the build that read it). -#}
{% macro event_source_file(relation, plan) -%}
    {%- if plan.kind == 'files' -%}
        {{ return(event_source_file_column()) }}
    {%- endif -%}
    {%- set label = raw_label(relation) -%}
    {%- if plan.loaded_at_column -%}
        {%- set label = label ~ ' @ ' ~ run_started_at.strftime('%Y-%m-%d %H:%M:%S') -%}
    {%- endif -%}
    {{ return("'" ~ label | replace("'", "''") ~ "'") }}
{%- endmacro %}

{#- Rows a table plan reads: with a load-timestamp column on an incremental
    build, those loaded after the latest load timestamp already read. -#}
{% macro event_load_filter(plan) -%}
    {%- if plan.kind == 'table' and plan.loaded_at_column and plan.mode == 'incremental' -%}
        where cast({{ plan.loaded_at_column }} as {{ dbt.type_timestamp() }}) > (
            select max(loads.file_modified_at) from {{ this }} as loads where loads.outcome = 'file'
        )
    {%- endif -%}
{%- endmacro %}

{#- The files of a plan as rows (path, size, modified_at), for the 'file' rows. -#}
{% macro event_load_files(plan) -%}
    {%- if plan.kind != 'files' or not plan.files -%}
        select
            cast(null as {{ dbt.type_string() }}) as path,
            cast(null as {{ dbt.type_bigint() }}) as size,
            cast(null as {{ dbt.type_timestamp() }}) as modified_at
        where 1 = 0
    {%- else -%}
        {%- for file in plan.files %}
        select
            cast('{{ file.path | replace("'", "''") }}' as {{ dbt.type_string() }}) as path,
            cast({{ file.size }} as {{ dbt.type_bigint() }}) as size,
            cast('{{ file.modified_at }}' as {{ dbt.type_timestamp() }}) as modified_at
        {%- if not loop.last %}
        union all
        {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}

{#- After a build that reloaded everything ('file' rows written with
    load_mode 'full'), delete the rows it did not rewrite. -#}
{% macro drop_rows_of_earlier_loads() -%}
    {{ return(adapter.dispatch('drop_rows_of_earlier_loads', 'behavioral_segmentation')()) }}
{%- endmacro %}

{% macro default__drop_rows_of_earlier_loads() -%}
    delete from {{ this }}
    where
        loaded_at < {{ build_started_at() }}
        and exists (
            select 1
            from {{ this }} as loads
            where loads.outcome = 'file' and loads.load_mode = 'full' and loads.loaded_at = {{ build_started_at() }}
        )
{%- endmacro %}

{#- Spark overwrites the whole table on every build. -#}
{% macro spark__drop_rows_of_earlier_loads() -%}
{%- endmacro %}

{#- The stored rows of base_raw__events whose `column` is in the `keys` CTE
    (a column of the same name), and that meet `where` (a condition on
    `stored`). The plain join reads every column of every stored row before
    matching; DuckDB finds the matching row ids on the key column alone and
    then fetches only those rows (0.2 s instead of 0.9 s at 10M events). -#}
{% macro stored_rows_with_keys(keys, column='row_key', where='1 = 1') -%}
    {{ return(adapter.dispatch('stored_rows_with_keys', 'behavioral_segmentation')(keys, column, where)) }}
{%- endmacro %}

{% macro default__stored_rows_with_keys(keys, column='row_key', where='1 = 1') -%}
    select stored.*
    from {{ this }} as stored
    inner join {{ keys }}
        on stored.{{ column }} = {{ keys }}.{{ column }}
    where {{ where }}
{%- endmacro %}

{% macro duckdb__stored_rows_with_keys(keys, column='row_key', where='1 = 1') -%}
    select stored.*
    from {{ this }} as stored
    where stored.rowid in (
        select stored.rowid
        from {{ this }} as stored
        inner join {{ keys }}
            on stored.{{ column }} = {{ keys }}.{{ column }}
        where {{ where }}
    )
{%- endmacro %}
