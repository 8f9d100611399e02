{#- Nothing is lost silently: every raw event row is clean (stg_raw__events),
    quarantined (quarantined_events, counting its exact copies), an exact
    duplicate of a clean row, or belongs to an erased customer. Returns a row
    when the counts do not add up. -#}

with

source as (

    select * from {{ raw_reader(source('raw', 'events')) }}

),

clean_events as (

    select * from {{ ref('stg_raw__events') }}

),

quarantined_events as (

    select * from {{ ref('quarantined_events') }}

),

ingestion_summary as (

    select * from {{ ref('event_ingestion_summary') }}

),

counts as (

    select
        (select count(*) from source) as raw_rows,
        (select count(*) from clean_events) as clean_rows,
        (select count(*) from quarantined_events) as quarantined_rows,
        (
            select coalesce(sum(raw_rows), 0) from ingestion_summary
            where outcome in ('exact_duplicate', 'erased')
        ) as dropped_rows,
        (select coalesce(sum(raw_rows), 0) from ingestion_summary) as summary_rows

)

select *
from counts
where
    raw_rows != clean_rows + quarantined_rows + dropped_rows
    or raw_rows != summary_rows
