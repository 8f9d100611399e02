{#- One row per customer known on the as-of date, with one segment for every
    behavioral dimension and the measures the rules used. The rules are the
    macros in macros/rules/segment_rules.sql; every threshold is a var. -#}

with

customer_facts as (

    select * from {{ ref('customer_facts') }}

),

customer_rfm as (

    select * from {{ ref('customer_rfm') }}

),

activity as (

    select * from {{ ref('int_customer_activity_summarized') }}

),

patterns as (

    select * from {{ ref('int_customer_purchase_patterns') }}

),

customers as (

    select * from {{ ref('stg_raw__customers') }}

),

features as (

    select
        customer_facts.customer_id,
        customer_facts.as_of_date,
        customer_facts.order_count,
        customer_facts.net_revenue,
        customer_facts.average_order_value,
        customer_facts.days_since_last_order,
        {{ days_between('cast(customer_facts.first_order_at as date)', 'customer_facts.as_of_date') }}
            as days_since_first_purchase,
        {{ purchase_cadence('customer_facts.mean_days_between_purchases') }} as cadence_days,
        patterns.last_gap_days,
        {{ purchase_cadence('patterns.prior_mean_gap_days') }} as prior_cadence_days,
        coalesce(patterns.top_occasion_share, 0) as top_occasion_share,
        coalesce(patterns.top_occasion_purchase_count, 0) as top_occasion_purchase_count,
        patterns.top_occasion,
        coalesce(patterns.birthday_month_purchase_count, 0) as birthday_month_purchase_count,
        patterns.price_ratio,
        patterns.top_category,
        customers.birth_date,
        customer_facts.product_view_count + customer_facts.add_to_cart_count + customer_facts.checkout_count
            as consideration_events,
        customer_facts.review_count + customer_facts.referral_count as advocacy_events,
        {{ safe_divide('customer_facts.discounted_order_count', 'customer_facts.order_count') }}
            as discounted_order_share,
        case
            when customer_facts.order_count > 0
                then {{ safe_divide('customer_facts.discount_amount',
                                    'customer_facts.net_revenue + customer_facts.discount_amount') }}
        end as discount_value_share,
        coalesce(activity.window_activity_count, 0) as window_activity_count,
        coalesce(activity.window_session_count, 0) as window_session_count,
        coalesce(activity.window_app_open_count, 0) as window_app_open_count,
        {{ safe_divide('activity.window_email_open_count', 'activity.window_email_sent_count') }} as email_open_rate,
        {{ safe_divide('activity.window_email_click_count', 'activity.window_email_sent_count') }} as email_click_rate,
        {{ safe_divide('activity.window_activity_count', 'activity.window_active_weeks') }} as activity_per_active_week,
        coalesce(activity.activity_count, 0) as activity_count,
        coalesce(activity.weekend_activity_count, 0) as weekend_activity_count,
        activity.preferred_hour,
        activity.preferred_daypart,
        coalesce(customer_rfm.rfm_segment, 'not_scored') as rfm_segment

    from customer_facts
    left join customer_rfm
        on customer_facts.customer_id = customer_rfm.customer_id
    left join activity
        on customer_facts.customer_id = activity.customer_id
    left join patterns
        on customer_facts.customer_id = patterns.customer_id
    left join customers
        on customer_facts.customer_id = customers.customer_id

),

percent_ranked as (

    select
        features.*,
        {{ percent_rank_among('features.activity_per_active_week', 'features.window_activity_count > 0') }}
            as activity_percent_rank,
        {{ percent_rank_among('features.net_revenue', 'features.order_count > 0') }} as value_percent_rank

    from features

),

scored as (

    select
        percent_ranked.*,
        {{ engagement_points('email_open_rate', 'email_click_rate', 'window_session_count', 'window_app_open_count') }}
            as engagement_points,
        case
            when percent_ranked.order_count > 0
                then {{ churn_risk_score('percent_ranked.days_since_last_order', 'percent_ranked.cadence_days') }}
        end as churn_risk_score

    from percent_ranked

),

final as (

    select
        ----------  ids
        customer_id,

        ----------  segments, one per dimension
        {{ purchase_behavior_segment('order_count') }} as purchase_behavior,
        {{ seasonality_segment('order_count', 'top_occasion_share') }} as seasonality,
        {{ usage_rate_segment('window_activity_count', 'activity_percent_rank') }} as usage_rate,
        {{ lifecycle_segment(
            'order_count', 'days_since_first_purchase', 'days_since_last_order', 'cadence_days',
            'last_gap_days', 'prior_cadence_days', 'value_percent_rank') }} as lifecycle,
        {{ engagement_level('engagement_points') }} as engagement,
        {{ journey_stage('order_count', 'consideration_events', 'advocacy_events') }} as journey_stage,
        {{ occasion_segment('order_count', 'top_occasion', 'top_occasion_purchase_count', 'top_occasion_share') }}
            as occasion,
        {{ day_preference_segment('activity_count', 'weekend_activity_count') }} as day_preference,
        coalesce(preferred_daypart, 'no_activity') as daypart,
        {{ birthday_segment('birth_date', 'order_count', 'birthday_month_purchase_count') }} as birthday,
        {{ benefit_segment('order_count', 'discounted_order_share', 'discount_value_share', 'price_ratio') }}
            as benefit,
        {{ churn_risk_band('churn_risk_score') }} as churn_risk,
        {{ value_tier('order_count', 'value_percent_rank') }} as value_tier,
        rfm_segment,

        ----------  flags
        {{ seasonality_segment('order_count', 'top_occasion_share') }} = 'seasonal_buyer' as is_seasonal_buyer,

        ----------  attributes
        top_category,
        preferred_hour,

        ----------  measures behind the segments
        order_count,
        cast(activity_per_active_week as {{ type_double() }}) as activity_per_active_week,
        cast(activity_percent_rank as {{ type_double() }}) as activity_percent_rank,
        cast(cadence_days as {{ type_double() }}) as purchase_cadence_days,
        cast(engagement_points as {{ dbt.type_int() }}) as engagement_points,
        cast(email_open_rate as {{ type_double() }}) as email_open_rate,
        cast(email_click_rate as {{ type_double() }}) as email_click_rate,
        cast(top_occasion_share as {{ type_double() }}) as top_occasion_share,
        cast(discounted_order_share as {{ type_double() }}) as discounted_order_share,
        cast(discount_value_share as {{ type_double() }}) as discount_value_share,
        cast(price_ratio as {{ type_double() }}) as price_ratio,
        days_since_last_order,
        cast(churn_risk_score as {{ type_double() }}) as churn_risk_score,
        cast(net_revenue as {{ type_money() }}) as historical_clv,
        average_order_value,
        cast(value_percent_rank as {{ type_double() }}) as value_percent_rank,

        ----------  dates
        as_of_date

    from scored

)

select * from final
