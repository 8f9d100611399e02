{#- For every period and history dimension, segment_migrations adds up to
    customer_segment_history: summed over from_segment (entries aside) it gives
    the segment sizes at the end of the previous period, summed over to_segment
    (exits aside) the sizes at the end of this period. Any row returned is a
    segment whose sizes disagree. -#}

with

migrations as (

    select * from {{ ref('segment_migrations') }}

),

history as (

    select * from {{ ref('customer_segment_history') }}

),

history_sizes as (

    select
        period_end,
        dimension,
        segment,
        count(*) as customers

    from history
    group by period_end, dimension, segment

),

sizes_from as (

    select
        previous_period_end as period_end,
        dimension,
        from_segment as segment,
        sum(customers) as customers

    from migrations
    where migration_type <> 'entry'
    group by previous_period_end, dimension, from_segment

),

sizes_to as (

    select
        period_end,
        dimension,
        to_segment as segment,
        sum(customers) as customers

    from migrations
    where migration_type <> 'exit'
    group by period_end, dimension, to_segment

),

previous_sizes as (

    select history_sizes.*
    from history_sizes
    where history_sizes.period_end in (select migrations.previous_period_end from migrations)

),

from_mismatches as (

    select
        'from' as side,
        coalesce(previous_sizes.period_end, sizes_from.period_end) as period_end,
        coalesce(previous_sizes.dimension, sizes_from.dimension) as dimension,
        coalesce(previous_sizes.segment, sizes_from.segment) as segment,
        previous_sizes.customers as history_customers,
        sizes_from.customers as migration_customers

    from previous_sizes
    full outer join sizes_from
        on previous_sizes.period_end = sizes_from.period_end
            and previous_sizes.dimension = sizes_from.dimension
            and previous_sizes.segment = sizes_from.segment
    where coalesce(previous_sizes.customers, -1) <> coalesce(sizes_from.customers, -1)

),

to_mismatches as (

    select
        'to' as side,
        coalesce(history_sizes.period_end, sizes_to.period_end) as period_end,
        coalesce(history_sizes.dimension, sizes_to.dimension) as dimension,
        coalesce(history_sizes.segment, sizes_to.segment) as segment,
        history_sizes.customers as history_customers,
        sizes_to.customers as migration_customers

    from history_sizes
    full outer join sizes_to
        on history_sizes.period_end = sizes_to.period_end
            and history_sizes.dimension = sizes_to.dimension
            and history_sizes.segment = sizes_to.segment
    where coalesce(history_sizes.customers, -1) <> coalesce(sizes_to.customers, -1)

)

select * from from_mismatches
union all
select * from to_mismatches
