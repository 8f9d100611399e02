{#- Building blocks of the history models (customer_segment_history,
    segment_migrations, segment_transitions). -#}

{#- The periods an incremental history model (re)builds in this run: all
    periods on a full build; on an incremental run the periods after the last
    one already built, the last history_lookback_periods built ones again,
    and every period ending on or after the earliest day of the event rows
    that base_raw__events wrote or changed in this build (a late event, a
    released row or one held back since changes that period and every later
    one). `periods` is the
    int_history_periods relation or CTE; this model has a period_start column. -#}
{% macro history_periods_to_build(periods) -%}
    {%- set lookback = require_whole_number('history_lookback_periods', 0) -%}
    select
        period_start,
        period_end,
        previous_period_end

    from {{ periods }}
    {%- if is_incremental() %}
    where period_start > coalesce(
        (
            select cast({{ dbt.dateadd(history_period(), -lookback, 'max(built.period_start)') }} as date)
            from {{ this }} as built
        ),
        cast('1900-01-01' as date)
    )
    or period_end >= (
        select min(loaded_events.occurred_on)
        from {{ ref('base_raw__events') }} as loaded_events
        where loaded_events.loaded_at = {{ build_started_at() }} and loaded_events.outcome != 'file'
    )
    {%- endif %}
{%- endmacro %}

{#- Every customer and dimension of `history` (a customer_segment_history
    relation) at each period to build, side by side with the same customer and
    dimension at the previous period. A customer present only now entered
    (from_segment '(none)'), one present only before exited (to_segment '(none)').

    periods_to_build  a relation or CTE from history_periods_to_build() -#}
{% macro paired_segment_history(history, periods_to_build) -%}

    with

    current_rows as (

        select
            {{ periods_to_build }}.period_start,
            {{ periods_to_build }}.period_end,
            {{ periods_to_build }}.previous_period_end,
            history.customer_id,
            history.dimension,
            history.segment,
            history.period_net_revenue

        from {{ history }} as history
        inner join {{ periods_to_build }}
            on history.period_end = {{ periods_to_build }}.period_end

    ),

    previous_rows as (

        select
            {{ periods_to_build }}.period_start,
            {{ periods_to_build }}.period_end,
            {{ periods_to_build }}.previous_period_end,
            history.customer_id,
            history.dimension,
            history.segment

        from {{ history }} as history
        inner join {{ periods_to_build }}
            on history.period_end = {{ periods_to_build }}.previous_period_end

    )

    select
        coalesce(current_rows.period_start, previous_rows.period_start) as period_start,
        coalesce(current_rows.period_end, previous_rows.period_end) as period_end,
        coalesce(current_rows.previous_period_end, previous_rows.previous_period_end) as previous_period_end,
        coalesce(current_rows.customer_id, previous_rows.customer_id) as customer_id,
        coalesce(current_rows.dimension, previous_rows.dimension) as dimension,
        coalesce(previous_rows.segment, '(none)') as from_segment,
        coalesce(current_rows.segment, '(none)') as to_segment,
        case
            when previous_rows.segment is null then 'entry'
            when current_rows.segment is null then 'exit'
            when previous_rows.segment = current_rows.segment then 'stay'
            else 'move'
        end as migration_type,
        coalesce(current_rows.period_net_revenue, 0) as period_net_revenue

    from current_rows
    full outer join previous_rows
        on current_rows.period_end = previous_rows.period_end
            and current_rows.customer_id = previous_rows.customer_id
            and current_rows.dimension = previous_rows.dimension

{%- endmacro %}
