{#- One row per customer and UTC day with a clean event (any date; features
    keep the days up to their as-of date): what every activity feature reads
    (macros/features/customer_days.sql). A session counts on the day it starts
    and converts on the day of its first order, so sums over days count each
    once; sessions across midnight are also in int_multiday_session_days.
    Incremental by customer and day: a run recomputes the days of rows
    base_raw__events wrote or changed in this build (new, late, released,
    held back) and every day of their sessions; post-hooks delete emptied
    days and erased customers. Spark recomputes all days every run. -#}
-- depends_on: {{ ref('base_raw__events') }}
{{ config(
    materialized='incremental',
    on_schema_change='fail',
    post_hook=[
        "{{ retract_empty_customer_days() }}",
        "{{ forget_erased_customers() }}",
    ],
    **incremental_config(unique_key=['customer_id', 'occurred_on'])
) }}

with

clean_events as {{ inline_cte() }} (

    select * from {{ ref('stg_raw__events') }}

),

event_types as (

    select * from {{ ref('event_types') }}

),

{% if is_incremental() and incremental_replaces_by_key() -%}
changed_rows as (

    select
        customer_id,
        session_id,
        occurred_on

    from {{ ref('base_raw__events') }}
    where loaded_at = {{ build_started_at() }} and outcome != 'file' and customer_id is not null

),

touched_days as (

    select customer_id, occurred_on
    from changed_rows

    union

    select
        clean_events.customer_id,
        clean_events.occurred_on

    from clean_events
    inner join changed_rows
        on clean_events.customer_id = changed_rows.customer_id
            and clean_events.session_id = changed_rows.session_id

),

events as (

    select clean_events.*
    from clean_events
    inner join touched_days
        on clean_events.customer_id = touched_days.customer_id
            and clean_events.occurred_on = touched_days.occurred_on

),
{%- else -%}
events as (

    select * from clean_events

),
{%- endif %}

----------  the day each session starts and first converts

session_events as (

    select
        clean_events.customer_id,
        clean_events.session_id,
        clean_events.occurred_on,
        clean_events.event_type

    from clean_events
    {%- if is_incremental() and incremental_replaces_by_key() %}
    where exists (
        select 1
        from events
        where events.customer_id = clean_events.customer_id and events.session_id = clean_events.session_id
    )
    {%- else %}
    where clean_events.session_id is not null
    {%- endif %}

),

sessions as (

    {{ customer_sessions('session_events') }}

),

session_starts as (

    select
        customer_id,
        started_on as occurred_on,
        count(*) as started_session_count

    from sessions
    group by customer_id, started_on

),

session_conversions as (

    select
        customer_id,
        converted_on as occurred_on,
        count(*) as converted_session_count

    from sessions
    where converted_on is not null
    group by customer_id, converted_on

),

----------  counts per day

day_events as (

    select
        events.customer_id,
        events.occurred_on,
        events.occurred_at,
        events.event_type,
        events.channel,
        case when {{ is_activity_event('event_types.event_group') }} then 1 end as is_activity,
        case
            when {{ is_activity_event('event_types.event_group') }} then {{ hour_of_day('events.occurred_at') }}
        end as activity_hour

    from events
    left join event_types
        on events.event_type = event_types.event_type

),

-- count(case ... then 1 end), not sum(case ... then 1 else 0 end): the same
-- counts (bigint on every engine) in less than half the time on DuckDB
day_counts as (

    select
        customer_id,
        occurred_on,
        {%- for column, condition in customer_day_counts().items() %}
        count(case when {{ condition }} then 1 end) as {{ column }},
        {%- endfor %}
        {%- for hour in range(24) %}
        count(case when activity_hour = {{ hour }} then 1 end) as activity_hour_{{ '%02d' % hour }},
        {%- endfor %}
        count(*) as event_count,
        count(is_activity) as activity_count,
        min(occurred_at) as first_event_at,
        max(occurred_at) as last_event_at

    from day_events
    group by customer_id, occurred_on

),

final as (

    select
        day_counts.*,
        cast(coalesce(session_starts.started_session_count, 0) as {{ dbt.type_bigint() }})
            as started_session_count,
        cast(coalesce(session_conversions.converted_session_count, 0) as {{ dbt.type_bigint() }})
            as converted_session_count

    from day_counts
    left join session_starts
        on day_counts.customer_id = session_starts.customer_id
            and day_counts.occurred_on = session_starts.occurred_on
    left join session_conversions
        on day_counts.customer_id = session_conversions.customer_id
            and day_counts.occurred_on = session_conversions.occurred_on

)

select * from final
