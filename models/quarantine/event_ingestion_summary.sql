{#- Where the raw event rows of this build went: one row per outcome (clean,
    quarantined per reason, exact_duplicate, erased). The rows add up to the raw
    row count (tests/singular/assert_raw_events_reconcile.sql). -#}
{%- set raw_events = raw_reader(source('raw', 'events')) %}

with

source as (

    select * from {{ raw_events }}

),

erasure_requests as (

    select * from {{ ref('stg_raw__erasure_requests') }}

),

checked_events as {{ inline_cte() }} (

    select * from {{ ref('base_raw__events') }}

),

erased as (

    select
        'erased' as outcome,
        '(none)' as quarantine_reason,
        count(*) as raw_rows

    from source
    inner join erasure_requests
        on {{ raw_text('source.customer_id') }} = erasure_requests.customer_id

),

kept as (

    select
        case when quarantine_reason is null then 'clean' else 'quarantined' end as outcome,
        coalesce(quarantine_reason, '(none)') as quarantine_reason,
        count(*) as raw_rows

    from checked_events
    group by quarantine_reason

),

duplicates as (

    select
        'exact_duplicate' as outcome,
        '(none)' as quarantine_reason,
        coalesce(sum(raw_copies - 1), 0) as raw_rows

    from checked_events

),

outcomes as (

    select * from kept
    union all
    select * from duplicates
    union all
    select * from erased

),

final as (

    select
        outcome,
        quarantine_reason,
        cast(raw_rows as {{ dbt.type_bigint() }}) as raw_rows,
        {{ build_started_at() }} as detected_at

    from outcomes

)

select * from final
