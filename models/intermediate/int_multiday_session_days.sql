{#- One row per customer, session and UTC day for the sessions with clean
    events on more than one day (a visit across midnight UTC): the activity
    window counts such a session once although it starts before the window
    (macros/features/customer_days.sql). Rebuilt on every run from the session
    columns of the clean events. -#}

with

clean_events as {{ inline_cte() }} (

    select * from {{ ref('stg_raw__events') }}

),

session_events as (

    select
        customer_id,
        session_id,
        occurred_on,
        event_type

    from clean_events
    where session_id is not null

),

sessions as (

    {{ customer_sessions('session_events') }}

),

multiday_sessions as (

    select
        customer_id,
        session_id,
        started_on

    from sessions
    where day_count > 1

),

final as (

    select distinct
        session_events.customer_id,
        session_events.session_id,
        session_events.occurred_on,
        multiday_sessions.started_on

    from session_events
    inner join multiday_sessions
        on session_events.customer_id = multiday_sessions.customer_id
            and session_events.session_id = multiday_sessions.session_id

)

select * from final
