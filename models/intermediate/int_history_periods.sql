{#- The periods of segment history: one row per completed period (calendar
    month, or ISO week with history_period = 'week') from the period of the
    first observed event (or history_start_date) to the last period that ends
    on or before the as-of date. -#}
{%- set period = history_period() -%}
{%- set start_date = date_var_literal('history_start_date', 'null to start at the first event') -%}

with

events as (

    select * from {{ ref('int_events_observed') }}

),

as_of as (

    select * from {{ ref('int_as_of_date') }}

),

digits as (

    select numbers.digit
    from (values (0), (1), (2), (3), (4), (5), (6), (7), (8), (9)) as numbers (digit)

),

period_numbers as (

    select ones.digit + 10 * tens.digit + 100 * hundreds.digit + 1000 * thousands.digit as period_number
    from digits as ones
    cross join digits as tens
    cross join digits as hundreds
    cross join digits as thousands

),

first_period as (

    select
        cast({{ dbt.date_trunc(period, 'min(' ~ (start_date or 'occurred_on') ~ ')') }} as date)
            as first_period_start

    from events

),

spine as (

    select
        period_numbers.period_number,
        cast({{ dbt.dateadd(period, 'period_numbers.period_number', 'first_period.first_period_start') }} as date)
            as period_start,
        cast({{ dbt.dateadd('day', -1, dbt.dateadd(period, 'period_numbers.period_number + 1',
                                                  'first_period.first_period_start')) }} as date)
            as period_end

    from first_period
    cross join period_numbers
    where first_period.first_period_start is not null

),

final as (

    select
        spine.period_start,
        spine.period_end,
        lag(spine.period_end) over (order by spine.period_start) as previous_period_end,
        cast('{{ period }}' as {{ dbt.type_string() }}) as period_grain,
        as_of.as_of_date

    from spine
    cross join as_of
    where spine.period_end <= as_of.as_of_date

)

select * from final
