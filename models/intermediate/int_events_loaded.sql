{#- Every clean event, kept incrementally: the one copy of the event log that
    the other models read (through int_events_observed). A full refresh loads
    all of stg_raw__events. An incremental run reloads
      - the events that happened in the last incremental_lookback_days before
        the latest event already here, and later ones (new events), and
      - every day holding a clean event that is not here yet, or is here with
        other content: a late event (however late), or a released row (its
        quarantine reason went away: the customer arrived, the conflicting
        version was erased).
    Rows are replaced by event_id (delete+insert), so re-running a batch is
    idempotent. loaded_at is the start of the build that (re)wrote the row:
    int_orders_netted and the history models recompute what the rows of this
    build touch. Events no longer clean (a conflicting version arrived, the
    customer was erased) are deleted in the post-hook. On Spark the reloaded
    days are whole partitions (occurred_on) that replace the stored ones; the
    post-hook cannot delete there, so an event that stops being clean on an
    older day stays until `--full-refresh`. -#}
{%- set lookback_days = require_whole_number('incremental_lookback_days', 0) -%}
{{ config(
    materialized='incremental',
    on_schema_change='fail',
    post_hook="{{ retract_missing_rows('event_id', ref('stg_raw__events'), 'event_id') }}",
    **incremental_config(unique_key='event_id', partition_by='occurred_on')
) }}

with

events as {{ inline_cte() }} (

    select * from {{ ref('stg_raw__events') }}

),

{% if is_incremental() -%}
loaded as {{ inline_cte() }} (

    select * from {{ this }}

),

loaded_until as (

    select max(occurred_on) as last_occurred_on
    from loaded

),

-- days whose clean events differ from the loaded ones (a late, released or
-- changed event): equal count and fingerprint sum means the same events
clean_days as (

    select
        occurred_on,
        count(*) as events,
        sum({{ event_fingerprint('events') }}) as fingerprint

    from events
    group by occurred_on

),

loaded_days as (

    select
        occurred_on,
        count(*) as events,
        sum({{ event_fingerprint('loaded') }}) as fingerprint

    from loaded
    group by occurred_on

),

missing_days as (

    select clean_days.occurred_on
    from clean_days
    left join loaded_days
        on clean_days.occurred_on = loaded_days.occurred_on
    where
        loaded_days.occurred_on is null
        or clean_days.events != loaded_days.events
        or clean_days.fingerprint != loaded_days.fingerprint

),
{%- endif %}

final as (

    select
        events.event_id,
        events.customer_id,
        events.session_id,
        events.order_id,
        events.product_id,
        events.campaign_id,
        events.campaign_variant,
        events.event_type,
        events.category,
        events.channel,
        events.revenue,
        events.discount_amount,
        events.quantity,
        events.occurred_at,
        events.occurred_on,
        {{ build_started_at() }} as loaded_at

    from events
    {% if is_incremental() -%}
    cross join loaded_until
    where
        loaded_until.last_occurred_on is null
        or events.occurred_on >= {{ dbt.dateadd('day', -lookback_days, 'loaded_until.last_occurred_on') }}
        or events.occurred_on in (select missing_days.occurred_on from missing_days)
    {%- endif %}

)

select * from final
