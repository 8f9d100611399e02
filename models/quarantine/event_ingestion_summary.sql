{#- Where every raw event row loaded so far went: one row per outcome (clean,
    quarantined per reason, exact_duplicate, erased). The rows add up to the
    raw rows of the loaded files (event_load_manifest; tested by
    tests/singular/assert_raw_events_reconcile.sql). A view on
    base_raw__events (clean and quarantined rows) and event_load_manifest
    (exact copies and erased rows, counted per file): always current. -#}
{{ config(materialized='view') }}

with

checked_events as (

    select * from {{ ref('base_raw__events') }}

),

kept as (

    select
        outcome,
        coalesce(quarantine_reason, '(none)') as quarantine_reason,
        count(*) as raw_rows

    from checked_events
    where outcome in ('clean', 'quarantined')
    group by outcome, quarantine_reason

),

-- exact copies and erased rows, counted per file once, in event_load_manifest
loaded_files as (

    select * from {{ ref('event_load_manifest') }}

),

duplicates as (

    select
        'exact_duplicate' as outcome,
        '(none)' as quarantine_reason,
        coalesce(sum(exact_duplicate_rows), 0) as raw_rows

    from loaded_files

),

erased as (

    select
        'erased' as outcome,
        '(none)' as quarantine_reason,
        coalesce(sum(erased_rows), 0) as raw_rows

    from loaded_files

),

outcomes as (

    select * from kept
    union all
    select * from duplicates
    union all
    select * from erased

),

last_load as (

    select max(loaded_at) as loaded_at
    from checked_events

),

final as (

    select
        outcomes.outcome,
        outcomes.quarantine_reason,
        cast(outcomes.raw_rows as {{ dbt.type_bigint() }}) as raw_rows,
        last_load.loaded_at as detected_at

    from outcomes
    cross join last_load

)

select * from final
