{#- MetricFlow's time spine: one row per UTC calendar day, from the first day
    of the year of the earliest date the marts hold (a sign-up, a first event,
    the start of the first history period) through the last day of the year of
    the as-of date, so every day, month, quarter and year the metrics can
    group by is whole. The same SQL on every engine: days are an integer
    series (macro integer_series) added to the first day with dbt.dateadd. -#}
{%- set first_moment = 'cast(min(earliest_dates.earliest_date) as ' ~ dbt.type_timestamp() ~ ')' -%}
{%- set last_moment = 'cast(max(as_of.as_of_date) as ' ~ dbt.type_timestamp() ~ ')' -%}

with

facts as (

    select * from {{ ref('customer_facts') }}

),

history as (

    select * from {{ ref('customer_segment_history') }}

),

as_of as (

    select * from {{ ref('int_as_of_date') }}

),

earliest_dates as (

    select cast(min(signed_up_at) as date) as earliest_date
    from facts

    union all

    select cast(min(first_seen_at) as date) as earliest_date
    from facts

    union all

    select min(period_start) as earliest_date
    from history

    union all

    select as_of_date as earliest_date
    from as_of

),

bounds as (

    select
        cast({{ dbt.date_trunc('year', first_moment) }} as date) as first_day,
        cast({{ dbt.dateadd('day', -1, dbt.dateadd('year', 1, dbt.date_trunc('year', last_moment))) }} as date)
            as last_day

    from earliest_dates
    cross join as_of

),

day_numbers as (

    {{ integer_series(100000) }}

),

final as (

    select
        cast({{ dbt.dateadd('day', 'day_numbers.n', 'bounds.first_day') }} as date) as date_day

    from bounds
    cross join day_numbers
    where day_numbers.n <= {{ days_between('bounds.first_day', 'bounds.last_day') }}

)

select * from final
