{#- One row per order placed on or before the as-of date, net of the refunds
    recorded on or before it. The rule is the macro netted_orders
    (macros/features/netted_orders.sql), shared with the history models.

    Incremental by order_id (delete+insert). A run recomputes, from all their
    observed events, the orders touched since the previous run: orders with a
    line or refund on or after the earlier of the previous and the current
    as-of date, less incremental_lookback_days (events that an earlier or
    later as-of date brings in or leaves out), and orders with a line or
    refund whose row base_raw__events wrote or changed in this build (new,
    late and released events of any date, and rows held back since, such as
    a conflicting duplicate). The
    post-hooks delete orders left with no observed line and stamp the current
    as-of date on every row. On Spark (no DELETE or UPDATE) every run
    recomputes all orders and overwrites the table (macros/features/incremental_config.sql). -#}
-- depends_on: {{ ref('base_raw__events') }}, {{ ref('stg_raw__events') }}, {{ ref('int_as_of_date') }}
{%- set lookback_days = require_whole_number('incremental_lookback_days', 0) -%}
{{ config(
    materialized='incremental',
    on_schema_change='fail',
    post_hook=[
        "{{ retract_missing_rows('order_id', ref('int_events_observed'), 'order_id', \"current_rows.event_type = 'order_completed'\") }}",
        "{{ restamp_as_of_date() }}",
    ],
    **incremental_config(unique_key='order_id')
) }}

with

events as {{ inline_cte() }} (

    select * from {{ ref('int_events_observed') }}

),

{% if is_incremental() and incremental_replaces_by_key() -%}
clean_events as (

    select * from {{ ref('stg_raw__events') }}

),

checked_events as (

    select * from {{ ref('base_raw__events') }}

),

as_of as (

    select * from {{ ref('int_as_of_date') }}

),

previous_build as (

    select max(as_of_date) as as_of_date
    from {{ this }}

),

touched_since as (

    select
        {{ dbt.dateadd(
            'day', -lookback_days,
            'case when previous_build.as_of_date is null or previous_build.as_of_date > as_of.as_of_date'
            ~ ' then as_of.as_of_date else previous_build.as_of_date end'
        ) }} as touched_on

    from as_of
    cross join previous_build

),

touched_orders as (

    select clean_events.order_id
    from clean_events
    cross join touched_since
    where
        clean_events.order_id is not null
        and clean_events.occurred_on >= touched_since.touched_on

    union

    -- lines and refunds this build wrote or changed, however old (late,
    -- released or newly held-back rows)
    select order_id
    from checked_events
    where loaded_at = {{ build_started_at() }} and order_id is not null

),

order_events as (

    select events.*
    from events
    inner join touched_orders
        on events.order_id = touched_orders.order_id

),
{%- else -%}
order_events as (

    select * from events

),
{%- endif %}

final as (

    {{ netted_orders('order_events') }}

)

select * from final
