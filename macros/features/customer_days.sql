{#- Building blocks of the customer-day feature grain (int_customer_days,
    int_multiday_session_days) and of the activity features read from it at
    any as-of date (int_customer_activity_summarized, customer_facts,
    customer_segment_history). -#}

{#- The event types int_customer_days counts, and the column of each. -#}
{% macro customer_day_event_counts() -%}
    {{ return({
        'page_view': 'page_view_count',
        'product_view': 'product_view_count',
        'add_to_cart': 'add_to_cart_count',
        'checkout_started': 'checkout_count',
        'order_completed': 'order_line_count',
        'email_sent': 'email_sent_count',
        'email_opened': 'email_open_count',
        'email_clicked': 'email_click_count',
        'app_open': 'app_open_count',
        'review_submitted': 'review_count',
        'referral_made': 'referral_count',
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
