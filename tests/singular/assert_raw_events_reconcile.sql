{#- Nothing is lost silently. Per loaded file (event_load_manifest): its raw
    rows are clean, quarantined, exact duplicates or erased. Over all files:
    the raw source holds as many rows as the loaded files (a file or row the
    load plan skipped would show here), and event_ingestion_summary adds up to
    them. Returns a row per discrepancy. -#}

with

source as (

    select * from {{ raw_reader(source('raw', 'events')) }}

),

manifest as (

    select * from {{ ref('event_load_manifest') }}

),

ingestion_summary as (

    select * from {{ ref('event_ingestion_summary') }}

),

per_file as (

    select
        source_file as problem,
        raw_rows as expected_rows,
        clean_rows + quarantined_rows + exact_duplicate_rows + erased_rows as found_rows

    from manifest

),

overall as (

    select
        'raw rows against loaded files' as problem,
        (select count(*) from source) as expected_rows,
        (select coalesce(sum(raw_rows), 0) from manifest) as found_rows

    union all

    select
        'event_ingestion_summary against loaded files' as problem,
        (select coalesce(sum(raw_rows), 0) from manifest) as expected_rows,
        (select coalesce(sum(raw_rows), 0) from ingestion_summary) as found_rows

),

final as (

    select * from per_file
    union all
    select * from overall

)

select *
from final
where expected_rows != found_rows
