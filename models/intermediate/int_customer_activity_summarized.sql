{#- One row per customer with any event on or before the as-of date: activity
    and email response over the last segment_activity_window_days days, and
    when in the week and day the customer is active (all history). Activity is
    every event of the groups browsing, cart and app in the seed event_types.
    Read from the customer-days (int_customer_days), never from the events. -#}
{%- set starts = var('daypart_start_hours') -%}
{%- set hours = range(24) -%}

with

customer_days as (

    select * from {{ ref('int_customer_days') }}

),

multiday_session_days as (

    select * from {{ ref('int_multiday_session_days') }}

),

as_of as (

    select * from {{ ref('int_as_of_date') }}

),

observed_days as (

    select customer_days.*
    from customer_days
    inner join as_of
        on customer_days.occurred_on <= as_of.as_of_date

),

window_activity as (

    {{ customer_window_activity('observed_days', 'multiday_session_days', 'as_of') }}

),

history_summary as (

    select
        customer_id,
        {%- for hour in hours %}
        sum(activity_hour_{{ '%02d' % hour }}) as activity_hour_{{ '%02d' % hour }},
        {%- endfor %}
        sum(converted_session_count) as converted_session_count,
        sum(activity_count) as activity_count,
        sum(
            case when {{ iso_day_of_week('occurred_on') }} >= 6 then activity_count else 0 end
        ) as weekend_activity_count

    from observed_days
    group by customer_id

),

hourly as (

    {%- for hour in hours %}
    select
        customer_id,
        {{ hour }} as hour_of_day,
        activity_hour_{{ '%02d' % hour }} as activity_count
    from history_summary
    where activity_hour_{{ '%02d' % hour }} > 0
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}

),

hour_ranked as (

    select
        customer_id,
        hour_of_day,
        row_number() over (
            partition by customer_id
            order by activity_count desc, hour_of_day asc
        ) as hour_rank

    from hourly

),

hourly_dayparts as (

    select
        customer_id,
        activity_count,
        case
            when hour_of_day >= {{ starts['morning'] }} and hour_of_day < {{ starts['afternoon'] }} then 'morning'
            when hour_of_day >= {{ starts['afternoon'] }} and hour_of_day < {{ starts['evening'] }} then 'afternoon'
            when hour_of_day >= {{ starts['evening'] }} and hour_of_day < {{ starts['night'] }} then 'evening'
            else 'night'
        end as daypart

    from hourly

),

dayparts as (

    select
        customer_id,
        daypart,
        sum(activity_count) as activity_count

    from hourly_dayparts
    group by customer_id, daypart

),

daypart_ranked as (

    select
        customer_id,
        daypart,
        row_number() over (
            partition by customer_id
            order by
                activity_count desc,
                case daypart when 'morning' then 1 when 'afternoon' then 2 when 'evening' then 3 else 4 end
        ) as daypart_rank

    from dayparts

),

final as (

    select
        history_summary.customer_id,
        coalesce(window_activity.window_activity_count, 0) as window_activity_count,
        cast(coalesce(window_activity.window_session_count, 0) as {{ dbt.type_bigint() }}) as window_session_count,
        coalesce(window_activity.window_app_open_count, 0) as window_app_open_count,
        coalesce(window_activity.window_email_sent_count, 0) as window_email_sent_count,
        coalesce(window_activity.window_email_open_count, 0) as window_email_open_count,
        coalesce(window_activity.window_email_click_count, 0) as window_email_click_count,
        {{ active_weeks('window_activity.first_window_activity_on', 'as_of.as_of_date') }}
            as window_active_weeks,
        cast(history_summary.converted_session_count as {{ dbt.type_bigint() }}) as converted_session_count,
        history_summary.activity_count,
        history_summary.weekend_activity_count,
        hour_ranked.hour_of_day as preferred_hour,
        daypart_ranked.daypart as preferred_daypart,
        as_of.as_of_date

    from history_summary
    cross join as_of
    left join window_activity
        on history_summary.customer_id = window_activity.customer_id
    left join hour_ranked
        on history_summary.customer_id = hour_ranked.customer_id
            and hour_ranked.hour_rank = 1
    left join daypart_ranked
        on history_summary.customer_id = daypart_ranked.customer_id
            and daypart_ranked.daypart_rank = 1

)

select * from final
