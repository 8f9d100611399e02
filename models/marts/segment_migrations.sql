{#- One row per history dimension, period and (from segment, to segment) pair:
    how many customers moved from the segment they held at the end of the
    previous period to the one they hold at the end of this period, and the
    revenue they brought in this period. Customers new in this period come
    from '(none)' (entries); customers gone from it go to '(none)' (exits).
    Rebuilt from customer_segment_history on every build (one pass over it),
    so it always adds up to history, also after customers are erased. -#}

with

history as (

    select * from {{ ref('customer_segment_history') }}

),

periods as (

    select * from {{ ref('int_history_periods') }}

),

periods_to_build as (

    {{ history_periods_to_build('periods') }}

),

paired as (

    {{ paired_segment_history('history', 'periods_to_build') }}

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
        cast(count(*) as {{ dbt.type_bigint() }}) as customers,
        cast(sum(period_net_revenue) as {{ type_money() }}) as period_net_revenue

    from paired
    group by period_start, period_end, previous_period_end, dimension, from_segment, to_segment, migration_type

)

select * from final
