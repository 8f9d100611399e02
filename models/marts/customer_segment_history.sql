{#- One row per customer, completed period and history dimension: the segment
    the customer was in at the end of the period, exactly as a build with
    as_of_date = period_end gives it. Computed from the event log, so a new
    installation has full history at once; incremental by period.

    The features are computed for every period at once (each event joins the
    periods it is observed in) with the same rule macros as customer_segments:
    netted_orders, the activity window, purchase_cadence, rfm_score and the
    segment rules. -#}
-- depends_on: {{ ref('base_raw__events') }}
{{ config(
    materialized='incremental',
    on_schema_change='fail',
    post_hook="{{ forget_erased_customers() }}",
    **incremental_config(unique_key='period_end', partition_by='period_end')
) }}

with

events as {{ inline_cte() }} (

    select * from {{ ref('int_events_observed') }}

),

customers as (

    select * from {{ ref('stg_raw__customers') }}

),

customer_days as (

    select * from {{ ref('int_customer_days') }}

),

multiday_session_days as (

    select * from {{ ref('int_multiday_session_days') }}

),

periods as (

    select * from {{ ref('int_history_periods') }}

),

segment_map as (

    select * from {{ ref('rfm_segment_map') }}
    where segment_map = '{{ var("rfm_segment_map") }}'

),

periods_to_build as (

    {{ history_periods_to_build('periods') }}

),

----------  who is known at the end of each period

first_seen as (

    select
        customer_id,
        min(occurred_on) as first_seen_on

    from customer_days
    group by customer_id

),

known_customers as (

    select
        periods_to_build.period_end,
        customers.customer_id

    from customers
    cross join periods_to_build
    where
        customers.signed_up_at is null
        or cast(customers.signed_up_at as date) <= periods_to_build.period_end

    union

    select
        periods_to_build.period_end,
        first_seen.customer_id

    from first_seen
    inner join periods_to_build
        on first_seen.first_seen_on <= periods_to_build.period_end

),

----------  orders as of each period end

order_events as (

    select
        events.event_id,
        events.customer_id,
        events.order_id,
        events.event_type,
        events.revenue,
        events.discount_amount,
        events.quantity,
        events.occurred_at,
        periods_to_build.period_end as as_of_date

    from events
    inner join periods_to_build
        on events.occurred_on <= periods_to_build.period_end
    where events.event_type in ('order_completed', 'order_refunded')

),

orders as (

    {{ netted_orders('order_events') }}

),

purchases as (

    select
        orders.as_of_date as period_end,
        orders.customer_id,
        orders.ordered_on,
        orders.net_revenue,
        orders.ordered_on >= periods_to_build.period_start as is_in_period

    from orders
    inner join periods_to_build
        on orders.as_of_date = periods_to_build.period_end
    where not orders.is_fully_refunded

),

order_summary as (

    select
        period_end,
        customer_id,
        count(*) as order_count,
        sum(net_revenue) as net_revenue,
        sum(case when is_in_period then net_revenue else 0 end) as period_net_revenue

    from purchases
    group by period_end, customer_id

),

purchase_days as (

    select
        period_end,
        customer_id,
        ordered_on as purchased_on,
        lag(ordered_on) over (partition by period_end, customer_id order by ordered_on) as previous_purchased_on,
        row_number() over (partition by period_end, customer_id order by ordered_on desc) as days_from_last

    from purchases
    group by period_end, customer_id, ordered_on

),

purchase_day_summary as (

    select
        period_end,
        customer_id,
        count(*) as distinct_purchase_days,
        min(purchased_on) as first_purchase_on,
        max(purchased_on) as last_purchase_on,
        max(
            case when days_from_last = 1 then {{ days_between('previous_purchased_on', 'purchased_on') }} end
        ) as last_gap_days,
        avg(
            case
                when days_from_last > 1
                    then cast({{ days_between('previous_purchased_on', 'purchased_on') }} as {{ type_double() }})
            end
        ) as prior_mean_gap_days

    from purchase_days
    group by period_end, customer_id

),

----------  activity in the window before each period end

period_ends as (

    select period_end as as_of_date
    from periods_to_build

),

window_summary as (

    {{ customer_window_activity('customer_days', 'multiday_session_days', 'period_ends') }}

),

----------  features, ranks and scores per period

features as (

    select
        periods_to_build.period_start,
        known_customers.period_end,
        known_customers.customer_id,
        coalesce(order_summary.order_count, 0) as order_count,
        cast(coalesce(order_summary.net_revenue, 0) as {{ type_money() }}) as net_revenue,
        cast(coalesce(order_summary.period_net_revenue, 0) as {{ type_money() }}) as period_net_revenue,
        {{ days_between('purchase_day_summary.last_purchase_on', 'known_customers.period_end') }}
            as days_since_last_order,
        {{ days_between('purchase_day_summary.first_purchase_on', 'known_customers.period_end') }}
            as days_since_first_purchase,
        {{ purchase_cadence(
            'case when purchase_day_summary.distinct_purchase_days > 1 then cast('
            ~ days_between('purchase_day_summary.first_purchase_on', 'purchase_day_summary.last_purchase_on')
            ~ ' as ' ~ type_double() ~ ') / (purchase_day_summary.distinct_purchase_days - 1) end') }}
            as cadence_days,
        purchase_day_summary.last_gap_days,
        {{ purchase_cadence('purchase_day_summary.prior_mean_gap_days') }} as prior_cadence_days,
        coalesce(window_summary.window_activity_count, 0) as window_activity_count,
        coalesce(window_summary.window_session_count, 0) as window_session_count,
        coalesce(window_summary.window_app_open_count, 0) as window_app_open_count,
        {{ safe_divide('window_summary.window_email_open_count', 'window_summary.window_email_sent_count') }}
            as email_open_rate,
        {{ safe_divide('window_summary.window_email_click_count', 'window_summary.window_email_sent_count') }}
            as email_click_rate,
        {{ safe_divide('window_summary.window_activity_count',
                       active_weeks('window_summary.first_window_activity_on', 'known_customers.period_end')) }}
            as activity_per_active_week

    from known_customers
    inner join periods_to_build
        on known_customers.period_end = periods_to_build.period_end
    left join order_summary
        on known_customers.period_end = order_summary.period_end
            and known_customers.customer_id = order_summary.customer_id
    left join purchase_day_summary
        on known_customers.period_end = purchase_day_summary.period_end
            and known_customers.customer_id = purchase_day_summary.customer_id
    left join window_summary
        on known_customers.period_end = window_summary.as_of_date
            and known_customers.customer_id = window_summary.customer_id

),

percent_ranked as (

    select
        features.*,
        {{ percent_rank_among('features.activity_per_active_week', 'features.window_activity_count > 0',
                              'features.period_end') }} as activity_percent_rank,
        {{ percent_rank_among('features.net_revenue', 'features.order_count > 0', 'features.period_end') }}
            as value_percent_rank

    from features

),

rfm_scored as (

    select
        period_end,
        customer_id,
        {{ rfm_score('days_since_last_order', false, 'rfm_recency_thresholds', 'period_end') }} as r_score,
        {{ rfm_score('order_count', true, 'rfm_frequency_thresholds', 'period_end') }} as f_score,
        {{ rfm_score('net_revenue', true, 'rfm_monetary_thresholds', 'period_end') }} as m_score

    from features
    where order_count > 0

),

rfm_segments as (

    select
        rfm_scored.period_end,
        rfm_scored.customer_id,
        segment_map.rfm_segment

    from rfm_scored
    inner join segment_map
        on {{ rfm_score_in_box('rfm_scored', 'segment_map') }}

),

segmented as (

    select
        percent_ranked.period_start,
        percent_ranked.period_end,
        percent_ranked.customer_id,
        percent_ranked.period_net_revenue,
        percent_ranked.net_revenue,
        coalesce(rfm_segments.rfm_segment, 'not_scored') as rfm_segment,
        {{ lifecycle_segment(
            'percent_ranked.order_count', 'percent_ranked.days_since_first_purchase',
            'percent_ranked.days_since_last_order', 'percent_ranked.cadence_days',
            'percent_ranked.last_gap_days', 'percent_ranked.prior_cadence_days',
            'percent_ranked.value_percent_rank') }} as lifecycle,
        {{ engagement_level(engagement_points(
            'percent_ranked.email_open_rate', 'percent_ranked.email_click_rate',
            'percent_ranked.window_session_count', 'percent_ranked.window_app_open_count')) }} as engagement,
        {{ usage_rate_segment('percent_ranked.window_activity_count', 'percent_ranked.activity_percent_rank') }}
            as usage_rate,
        {{ value_tier('percent_ranked.order_count', 'percent_ranked.value_percent_rank') }} as value_tier

    from percent_ranked
    left join rfm_segments
        on percent_ranked.period_end = rfm_segments.period_end
            and percent_ranked.customer_id = rfm_segments.customer_id

),

unpivoted as (

    {%- for dimension in history_dimensions() %}
    select
        period_start,
        period_end,
        customer_id,
        '{{ dimension }}' as dimension,
        {{ dimension }} as segment,
        period_net_revenue,
        net_revenue
    from segmented
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}

),

final as (

    select
        ----------  keys
        period_start,
        period_end,
        customer_id,
        cast(dimension as {{ dbt.type_string() }}) as dimension,

        ----------  segment
        cast(segment as {{ dbt.type_string() }}) as segment,

        ----------  revenue
        cast(period_net_revenue as {{ type_money() }}) as period_net_revenue,
        cast(net_revenue as {{ type_money() }}) as lifetime_net_revenue

    from unpivoted

)

select * from final
