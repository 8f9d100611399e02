{#- Building blocks of the customer-day feature grain (int_customer_days,
    int_multiday_session_days) and of the activity features read from it at
    any as-of date (macro customer_features). -#}

{#- What int_customer_days counts per customer and day: column -> condition
    on the day's events (event_type, channel, is_activity: 1 for activity).
    A new count here is a column of int_customer_days and, summed, a feature
    of int_customer_features at every as-of date. -#}
{% macro customer_day_counts() -%}
    {{ return({
        'page_view_count': "event_type = 'page_view'",
        'product_view_count': "event_type = 'product_view'",
        'add_to_cart_count': "event_type = 'add_to_cart'",
        'checkout_count': "event_type = 'checkout_started'",
        'order_line_count': "event_type = 'order_completed'",
        'email_sent_count': "event_type = 'email_sent'",
        'email_open_count': "event_type = 'email_opened'",
        'email_click_count': "event_type = 'email_clicked'",
        'app_open_count': "event_type = 'app_open'",
        'review_count': "event_type = 'review_submitted'",
        'referral_count': "event_type = 'referral_made'",
        'web_activity_count': "is_activity = 1 and channel = 'web'",
        'app_activity_count': "is_activity = 1 and channel = 'app'",
    }) }}
{%- endmacro %}

{#- One row per customer and session of `session_events` (customer_id,
    session_id, occurred_on, event_type; sessions not null): the day it
    starts, the day of its first order (NULL without one) and the number of
    days it has events on. -#}
{% macro customer_sessions(session_events) -%}
    select
        customer_id,
        session_id,
        min(occurred_on) as started_on,
        min(case when event_type = 'order_completed' then occurred_on end) as converted_on,
        count(distinct occurred_on) as day_count

    from {{ session_events }}
    group by customer_id, session_id
{%- endmacro %}

{#- Post-hook of int_customer_days: delete the days left without a clean
    event (every event of the day held back or gone). -#}
{% macro retract_empty_customer_days() -%}
    {{ return(adapter.dispatch('retract_empty_customer_days', 'behavioral_segmentation')()) }}
{%- endmacro %}

{% macro default__retract_empty_customer_days() -%}
    delete from {{ this }} as kept
    where not exists (
        select 1
        from {{ ref('stg_raw__events') }} as clean_events
        where clean_events.customer_id = kept.customer_id and clean_events.occurred_on = kept.occurred_on
    )
{%- endmacro %}

{#- Spark: Parquet tables take no DELETE; int_customer_days is rewritten in full on every run. -#}
{% macro spark__retract_empty_customer_days() -%}
{%- endmacro %}

{#- Activity and email response in the activity window before each as-of
    date of `as_of_dates` (a relation or CTE with the column as_of_date), per
    customer with an event in it, from int_customer_days and
    int_multiday_session_days. Each day is matched to the as-of dates whose
    window holds it through a small day-to-date map, an equality join.
    A session counts once: on the day it starts when that is in the window,
    else (it started before the window) through its later days. -#}
{% macro customer_window_activity(customer_days, multiday_session_days, as_of_dates) -%}
    with

    event_days as (

        select distinct occurred_on
        from {{ customer_days }}

    ),

    window_days as (

        select
            {{ as_of_dates }}.as_of_date,
            event_days.occurred_on

        from event_days
        inner join {{ as_of_dates }}
            on event_days.occurred_on <= {{ as_of_dates }}.as_of_date
                and {{ in_activity_window('event_days.occurred_on', as_of_dates ~ '.as_of_date') }}

    ),

    window_totals as (

        select
            window_days.as_of_date,
            customer_days.customer_id,
            min(case when customer_days.activity_count > 0 then customer_days.occurred_on end)
                as first_window_activity_on,
            sum(customer_days.activity_count) as window_activity_count,
            sum(customer_days.started_session_count) as window_started_session_count,
            sum(customer_days.app_open_count) as window_app_open_count,
            sum(customer_days.email_sent_count) as window_email_sent_count,
            sum(customer_days.email_open_count) as window_email_open_count,
            sum(customer_days.email_click_count) as window_email_click_count

        from {{ customer_days }} as customer_days
        inner join window_days
            on customer_days.occurred_on = window_days.occurred_on
        group by window_days.as_of_date, customer_days.customer_id

    ),

    sessions_from_before as (

        select
            window_days.as_of_date,
            session_days.customer_id,
            count(distinct session_days.session_id) as session_count

        from {{ multiday_session_days }} as session_days
        inner join window_days
            on session_days.occurred_on = window_days.occurred_on
        where not {{ in_activity_window('session_days.started_on', 'window_days.as_of_date') }}
        group by window_days.as_of_date, session_days.customer_id

    )

    select
        window_totals.as_of_date,
        window_totals.customer_id,
        window_totals.first_window_activity_on,
        window_totals.window_activity_count,
        window_totals.window_started_session_count + coalesce(sessions_from_before.session_count, 0)
            as window_session_count,
        window_totals.window_app_open_count,
        window_totals.window_email_sent_count,
        window_totals.window_email_open_count,
        window_totals.window_email_click_count

    from window_totals
    left join sessions_from_before
        on window_totals.as_of_date = sessions_from_before.as_of_date
            and window_totals.customer_id = sessions_from_before.customer_id
{%- endmacro %}

{#- The daypart of each UTC hour (var daypart_start_hours). -#}
{% macro hour_dayparts() -%}
    {%- set starts = var('daypart_start_hours') -%}
    {%- set dayparts = {} -%}
    {%- for hour in range(24) -%}
        {%- if hour >= starts['morning'] and hour < starts['afternoon'] -%}
            {%- do dayparts.update({hour: 'morning'}) -%}
        {%- elif hour >= starts['afternoon'] and hour < starts['evening'] -%}
            {%- do dayparts.update({hour: 'afternoon'}) -%}
        {%- elif hour >= starts['evening'] and hour < starts['night'] -%}
            {%- do dayparts.update({hour: 'evening'}) -%}
        {%- else -%}
            {%- do dayparts.update({hour: 'night'}) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(dayparts) }}
{%- endmacro %}

{#- The first of `labels` whose count (`counts`, SQL expressions in the same
    order) is the largest; NULL when every count is 0 (no activity). Ties go
    to the earlier label. -#}
{% macro label_of_largest(counts, labels) -%}
    case
        when greatest({{ counts | join(', ') }}) > 0 then case
            {%- for count in counts %}
            when {{ count }} = greatest({{ counts | join(', ') }}) then {{ labels[loop.index0] }}
            {%- endfor %}
        end
    end
{%- endmacro %}

{#- Activity features of every customer with an event on or before each as-of
    date of `as_of_dates` (a relation or CTE with the column as_of_date), all
    history up to it and in the activity window before it, from
    int_customer_days and int_multiday_session_days. Days are first summed per
    customer into buckets (the first as-of date on or after the day); running
    totals over a customer's buckets hold from one bucket to the next, so each
    as-of date takes the totals of the customer's last bucket on or before it.
    with_hours: the preferred hour (24 running counts); without, NULL (the
    daypart needs 4). -#}
{% macro customer_activity_features(customer_days, multiday_session_days, as_of_dates, with_hours=true) -%}
    {%- set counts = customer_day_counts().keys() | list + [
        'event_count', 'activity_count', 'started_session_count', 'converted_session_count'] -%}
    {%- set hours = [] -%}
    {%- if with_hours -%}
        {%- for hour in range(24) -%}{%- do hours.append('activity_hour_%02d' % hour) -%}{%- endfor -%}
    {%- endif -%}
    {%- set hour_daypart = hour_dayparts() -%}
    {%- set dayparts = ['morning', 'afternoon', 'evening', 'night'] -%}
    {%- set daypart_columns = [] -%}
    {%- for daypart in dayparts -%}{%- do daypart_columns.append('activity_' ~ daypart) -%}{%- endfor -%}
    with

    day_buckets as (

        select
            event_days.occurred_on,
            min({{ as_of_dates }}.as_of_date) as bucket_on

        from (select distinct occurred_on from {{ customer_days }}) as event_days
        inner join {{ as_of_dates }}
            on event_days.occurred_on <= {{ as_of_dates }}.as_of_date
        group by event_days.occurred_on

    ),

    bucket_totals as (

        select
            day_buckets.bucket_on,
            customer_days.customer_id,
            {%- for column in counts + hours %}
            coalesce(sum(customer_days.{{ column }}), 0) as {{ column }},
            {%- endfor %}
            {%- for daypart in dayparts %}
            {%- set terms = [] -%}
            {%- for hour in range(24) if hour_daypart[hour] == daypart -%}
                {%- do terms.append('coalesce(customer_days.activity_hour_%02d, 0)' % hour) -%}
            {%- endfor %}
            coalesce(sum({{ terms | join(' + ') if terms else '0' }}), 0) as activity_{{ daypart }},
            {%- endfor %}
            sum(
                case when {{ iso_day_of_week('customer_days.occurred_on') }} >= 6 then customer_days.activity_count else 0 end
            ) as weekend_activity_count,
            count(*) as active_days,
            min(customer_days.first_event_at) as first_event_at,
            max(customer_days.last_event_at) as last_event_at

        from {{ customer_days }} as customer_days
        inner join day_buckets
            on customer_days.occurred_on = day_buckets.occurred_on
        group by day_buckets.bucket_on, customer_days.customer_id

    ),

    -- running totals per customer; each bucket holds until the next one
    running_totals as (

        select
            bucket_on,
            customer_id,
            {%- for column in counts + hours + daypart_columns + ['weekend_activity_count', 'active_days'] %}
            sum({{ column }}) over customer_buckets as {{ column }},
            {%- endfor %}
            min(first_event_at) over customer_buckets as first_seen_at,
            max(last_event_at) over customer_buckets as last_seen_at,
            lead(bucket_on) over (partition by customer_id order by bucket_on) as next_bucket_on

        from bucket_totals
        window customer_buckets as (
            partition by customer_id order by bucket_on rows between unbounded preceding and current row
        )

    ),

    history_totals as (

        select
            {{ as_of_dates }}.as_of_date,
            running_totals.*

        from running_totals
        inner join {{ as_of_dates }}
            on running_totals.bucket_on <= {{ as_of_dates }}.as_of_date
                and (running_totals.next_bucket_on is null or {{ as_of_dates }}.as_of_date < running_totals.next_bucket_on)

    ),

    window_activity as (

        {{ customer_window_activity(customer_days, multiday_session_days, as_of_dates) }}

    )

    select
        history_totals.as_of_date,
        history_totals.customer_id,
        history_totals.first_seen_at,
        history_totals.last_seen_at,
        history_totals.event_count,
        history_totals.started_session_count as session_count,
        history_totals.active_days,
        {%- for column in customer_day_counts().keys() %}
        history_totals.{{ column }},
        {%- endfor %}
        history_totals.converted_session_count,
        history_totals.activity_count,
        history_totals.weekend_activity_count,
        {%- if with_hours %}
        {{ label_of_largest(hours | map('replace', 'activity', 'history_totals.activity') | list, range(24) | list) }}
            as preferred_hour,
        {%- else %}
        cast(null as {{ dbt.type_int() }}) as preferred_hour,
        {%- endif %}
        {{ label_of_largest(daypart_columns | map('replace', 'activity', 'history_totals.activity') | list,
                            ["'morning'", "'afternoon'", "'evening'", "'night'"]) }}
            as preferred_daypart,
        coalesce(window_activity.window_activity_count, 0) as window_activity_count,
        coalesce(window_activity.window_session_count, 0) as window_session_count,
        coalesce(window_activity.window_app_open_count, 0) as window_app_open_count,
        coalesce(window_activity.window_email_sent_count, 0) as window_email_sent_count,
        coalesce(window_activity.window_email_open_count, 0) as window_email_open_count,
        coalesce(window_activity.window_email_click_count, 0) as window_email_click_count,
        {{ active_weeks('window_activity.first_window_activity_on', 'history_totals.as_of_date') }}
            as window_active_weeks

    from history_totals
    left join window_activity
        on history_totals.as_of_date = window_activity.as_of_date
            and history_totals.customer_id = window_activity.customer_id
{%- endmacro %}
