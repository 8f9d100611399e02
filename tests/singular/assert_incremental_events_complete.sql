{#- Incremental loads miss events that arrive later than
    incremental_lookback_days. This warns about any clean event that is not in
    int_events_loaded (or is there with other content): run
    `make build DBT_ARGS="--full-refresh"` to load them. -#}
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
        on clean_events.event_id = loaded_events.event_id
            and clean_events.occurred_at = loaded_events.occurred_at
            and clean_events.customer_id = loaded_events.customer_id
            and clean_events.event_type = loaded_events.event_type
    where loaded_events.event_id is null

)

select * from final
