{#- From features to segments: the one path customer_segments (the current
    as-of date) and customer_segment_history (every period end) both take, so
    the two cannot drift apart. The dimensions and their rules are wired in
    segment_rule_expressions (macros/rules/segment_rules.sql). -#}

{#- The features of `features` (int_customer_features rows, with
    rfm_segment) that the rules read, with the population-wide ranks computed
    per as-of date and the engagement points and churn risk score. -#}
{% macro segment_inputs(features) -%}
    with

    derived as (

        select
            features.*,
            {{ purchase_cadence('features.mean_days_between_purchases') }} as cadence_days,
            {{ purchase_cadence('features.prior_mean_gap_days') }} as prior_cadence_days,
            features.product_view_count + features.add_to_cart_count + features.checkout_count
                as consideration_events,
            features.review_count + features.referral_count as advocacy_events,
            {{ safe_divide('features.discounted_order_count', 'features.order_count') }} as discounted_order_share,
            case
                when features.order_count > 0
                    then {{ safe_divide('features.discount_amount', 'features.net_revenue + features.discount_amount') }}
            end as discount_value_share,
            {{ safe_divide('features.window_email_open_count', 'features.window_email_sent_count') }}
                as email_open_rate,
            {{ safe_divide('features.window_email_click_count', 'features.window_email_sent_count') }}
                as email_click_rate,
            {{ safe_divide('features.window_activity_count', 'features.window_active_weeks') }}
                as activity_per_active_week

        from {{ features }} as features

    ),

    ranked as (

        select
            derived.*,
            {{ percent_rank_among('derived.activity_per_active_week', 'derived.window_activity_count > 0',
                                  'derived.as_of_date') }} as activity_percent_rank,
            {{ percent_rank_among('derived.net_revenue', 'derived.order_count > 0', 'derived.as_of_date') }}
                as value_percent_rank

        from derived

    )

    select
        ranked.*,
        {{ engagement_points('ranked.email_open_rate', 'ranked.email_click_rate', 'ranked.window_session_count',
                             'ranked.window_app_open_count') }} as engagement_points,
        case
            when ranked.order_count > 0
                then {{ churn_risk_score('ranked.days_since_last_order', 'ranked.cadence_days') }}
        end as churn_risk_score

    from ranked
{%- endmacro %}

{#- R, F and M values and scores of the buyers among `features`
    (int_customer_features rows), scored within each as-of date. -#}
{% macro rfm_scored(features) -%}
    select
        customer_id,
        as_of_date,
        days_since_last_order as recency_days,
        order_count as frequency,
        net_revenue as monetary,
        {{ rfm_score('days_since_last_order', false, 'rfm_recency_thresholds', 'as_of_date') }} as r_score,
        {{ rfm_score('order_count', true, 'rfm_frequency_thresholds', 'as_of_date') }} as f_score,
        {{ rfm_score('net_revenue', true, 'rfm_monetary_thresholds', 'as_of_date') }} as m_score

    from {{ features }}
    where order_count > 0
{%- endmacro %}
