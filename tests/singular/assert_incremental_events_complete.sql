{#- Every clean event is loaded: an incremental run of int_events_loaded
    reloads every day holding a clean event it lacks (late or released), so
    this warns only when int_events_loaded was not run after new raw data
    arrived (a selection without it), or, on Spark, when a stale version stays
    on an old day. `make build` (or `--full-refresh` on Spark) loads them. -#}
{{ config(severity='warn') }}

with

clean_events as (

    select * from {{ ref('stg_raw__events') }}

),

loaded_events as (

    select * from {{ ref('int_events_loaded') }}

),

final as (

    select
        clean_events.event_id,
        clean_events.occurred_at

    from clean_events
    left join loaded_events
        on {{ event_loaded_as_is('clean_events', 'loaded_events') }}
    where loaded_events.event_id is null

)

select * from final
