{#- Every raw events file (or table load) loaded, with what became of its
    rows: one row per file. raw_rows = clean_rows + quarantined_rows +
    exact_duplicate_rows + erased_rows (tested). A build reads only the files
    not listed here; a listed file whose size or modification time changed,
    or that disappeared, makes the next build reload every file
    (macros/ingestion/event_loads.sql). A view on base_raw__events. -#}
{{ config(materialized='view') }}

with

checked_events as (

    select * from {{ ref('base_raw__events') }}

),

files as (

    select
        source_file,
        file_size,
        file_modified_at,
        raw_copies as raw_rows,
        erased_rows,
        load_mode,
        loaded_at

    from checked_events
    where outcome = 'file'

),

outcomes as (

    select
        source_file,
        sum(case when outcome = 'clean' then 1 else 0 end) as clean_rows,
        sum(case when outcome = 'quarantined' then 1 else 0 end) as quarantined_rows,
        sum(case when outcome = 'exact_duplicate' then raw_copies else raw_copies - 1 end) as exact_duplicate_rows

    from checked_events
    where outcome != 'file'
    group by source_file

),

final as (

    select
        files.source_file,
        files.file_size,
        files.file_modified_at,
        files.load_mode,
        files.loaded_at,
        files.raw_rows,
        cast(coalesce(outcomes.clean_rows, 0) as {{ dbt.type_bigint() }}) as clean_rows,
        cast(coalesce(outcomes.quarantined_rows, 0) as {{ dbt.type_bigint() }}) as quarantined_rows,
        cast(coalesce(outcomes.exact_duplicate_rows, 0) as {{ dbt.type_bigint() }}) as exact_duplicate_rows,
        files.erased_rows

    from files
    left join outcomes
        on files.source_file = outcomes.source_file

)

select * from final
