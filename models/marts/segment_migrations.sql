{#- One row per history dimension, period and (from segment, to segment) pair:
    how many customers moved from the segment they held at the end of the
    previous period to the one they hold at the end of this period, and the
    revenue they brought in this period. Customers new in this period come
    from '(none)' (entries); customers gone from it go to '(none)' (exits).
    Moves, entries and exits are segment_transitions counted; stays are what
    is left of each segment's size in customer_segment_history (its customers
    less those who arrived in it). Rebuilt on every build from those two
    tables (an aggregate over each, no pairing of history rows again), so it
    always adds up to history, also after customers are erased. -#}
with

history as (

    select * from {{ ref('customer_segment_history') }}

),

transitions as (

    select * from {{ ref('segment_transitions') }}

),

periods as (

    select * from {{ ref('int_history_periods') }}

),

----------  every segment's customers and revenue at the end of each period

held as (

    select
        periods.period_start,
        periods.period_end,
        periods.previous_period_end,
        history.dimension,
        history.segment,
        count(*) as customers,
        sum(history.period_net_revenue) as period_net_revenue

    from history
    inner join periods
        on history.period_end = periods.period_end
    group by
        periods.period_start,
        periods.period_end,
        periods.previous_period_end,
        history.dimension,
        history.segment

),

----------  entries, moves and exits

changed as (

    select
        period_start,
        period_end,
        previous_period_end,
        dimension,
        from_segment,
        to_segment,
        migration_type,
        count(*) as customers,
        sum(period_net_revenue) as period_net_revenue

    from transitions
    group by period_start, period_end, previous_period_end, dimension, from_segment, to_segment, migration_type

),

arrived as (

    select
        period_end,
        dimension,
        to_segment as segment,
        sum(customers) as customers,
        sum(period_net_revenue) as period_net_revenue

    from changed
    where migration_type in ('entry', 'move')
    group by period_end, dimension, to_segment

),

----------  stays: the segment's customers who did not arrive in it this period

stayed as (

    select
        held.period_start,
        held.period_end,
        held.previous_period_end,
        held.dimension,
        held.segment as from_segment,
        held.segment as to_segment,
        'stay' as migration_type,
        held.customers - coalesce(arrived.customers, 0) as customers,
        held.period_net_revenue - coalesce(arrived.period_net_revenue, 0) as period_net_revenue

    from held
    left join arrived
        on held.period_end = arrived.period_end
            and held.dimension = arrived.dimension
            and held.segment = arrived.segment
    where held.customers > coalesce(arrived.customers, 0)

),

migrations as (

    select * from changed

    union all

    select * from stayed

),

final as (

    select
        ----------  keys
        period_start,
        period_end,
        previous_period_end,
        dimension,
        from_segment,
        to_segment,

        ----------  kind of move
        migration_type,

        ----------  measures
        cast(customers as {{ dbt.type_bigint() }}) as customers,
        cast(period_net_revenue as {{ type_money() }}) as period_net_revenue

    from migrations

)

select * from final
