{#- One row per customer with any event on or before the as-of date: activity
    and email response over the last segment_activity_window_days days, and
    when in the week and day the customer is active (all history). Activity is
    every event of the groups browsing, cart and app in the seed event_types. -#}
{%- set starts = var('daypart_start_hours') -%}

with

events as (

    select * from {{ ref('int_events_observed') }}

),

event_types as (

    select * from {{ ref('event_types') }}

),

classified as {{ inline_cte() }} (

    select
        events.customer_id,
        events.event_type,
        events.session_id,
        events.occurred_at,
        events.occurred_on,
        events.as_of_date,
        {{ is_activity_event('event_types.event_group') }} as is_activity,
        {{ in_activity_window('events.occurred_on', 'events.as_of_date') }} as is_in_window

    from events
    left join event_types
        on events.event_type = event_types.event_type

),

window_summary as (

    select
        customer_id,
        min(as_of_date) as as_of_date,
        min(case when is_activity and is_in_window then occurred_on end) as first_window_activity_on,
        sum(case when is_activity and is_in_window then 1 else 0 end) as window_activity_count,
        count(distinct case when is_in_window then session_id end) as window_session_count,
        sum(case when is_in_window and event_type = 'app_open' then 1 else 0 end) as window_app_open_count,
        sum(case when is_in_window and event_type = 'email_sent' then 1 else 0 end) as window_email_sent_count,
        sum(case when is_in_window and event_type = 'email_opened' then 1 else 0 end) as window_email_open_count,
        sum(case when is_in_window and event_type = 'email_clicked' then 1 else 0 end) as window_email_click_count,
        count(distinct case when event_type = 'order_completed' then session_id end) as converted_session_count,
        sum(case when is_activity then 1 else 0 end) as activity_count,
        sum(
            case when is_activity and {{ iso_day_of_week('occurred_at') }} >= 6 then 1 else 0 end
        ) as weekend_activity_count

    from classified
    group by customer_id

),

hourly as (

    select
        customer_id,
        {{ hour_of_day('occurred_at') }} as hour_of_day,
        count(*) as activity_count

    from classified
    where is_activity
    group by customer_id, {{ hour_of_day('occurred_at') }}

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
        window_summary.customer_id,
        window_summary.window_activity_count,
        window_summary.window_session_count,
        window_summary.window_app_open_count,
        window_summary.window_email_sent_count,
        window_summary.window_email_open_count,
        window_summary.window_email_click_count,
        {{ active_weeks('window_summary.first_window_activity_on', 'window_summary.as_of_date') }}
            as window_active_weeks,
        window_summary.converted_session_count,
        window_summary.activity_count,
        window_summary.weekend_activity_count,
        hour_ranked.hour_of_day as preferred_hour,
        daypart_ranked.daypart as preferred_daypart,
        window_summary.as_of_date

    from window_summary
    left join hour_ranked
        on window_summary.customer_id = hour_ranked.customer_id
            and hour_ranked.hour_rank = 1
    left join daypart_ranked
        on window_summary.customer_id = daypart_ranked.customer_id
            and daypart_ranked.daypart_rank = 1

)

select * from final
