{#- From features to segments: the one path customer_segments (the current
    as-of date) and customer_segment_history (every period end) both take, so
    the two cannot drift apart. The dimensions and their rules are wired in
    segment_rule_expressions (macros/rules/segment_rules.sql). -#}

{#- The features of `features` (int_customer_features rows, with
    rfm_segment) that the rules read, with the population-wide ranks computed
    per as-of date, the engagement points, P(alive) at the BG/NBD parameters
    of `clv_parameters` (one row per as-of date: int_clv_model_fits or
    int_clv_period_end_fits) and the churn risk score of churn_risk_method.
    value_tier_percent_rank, which value_tier reads, is value_percent_rank
    (net revenue) unless `value_measure` names another column of `features`
    (customer_segments passes predicted_clv under value_tier_method
    'predicted_clv'); buyers without a value are unranked. -#}
{% macro segment_inputs(features, clv_parameters, value_measure='net_revenue') -%}
    with

    summarized as (

        select
            *,
            {{ btyd_summary_columns() }}

        from {{ features }}

    ),

    derived as (

        select
            features.*,
            case
                when features.btyd_frequency is not null
                    then {{ bgnbd_p_alive('features.btyd_frequency', 'features.btyd_recency', 'features.btyd_t',
                                          p='parameters.') }}
            end as p_alive,
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

        from summarized as features
        left join {{ clv_parameters }} as parameters
            on features.as_of_date = parameters.as_of_date

    ),

    ranked as (

        select
            derived.*,
            {{ percent_rank_among('derived.activity_per_active_week', 'derived.window_activity_count > 0',
                                  'derived.as_of_date') }} as activity_percent_rank,
            {{ percent_rank_among('derived.net_revenue', 'derived.order_count > 0', 'derived.as_of_date') }}
                as value_percent_rank
            {%- if value_measure != 'net_revenue' %},
            {{ percent_rank_among('derived.' ~ value_measure,
                                  'derived.order_count > 0 and derived.' ~ value_measure ~ ' is not null',
                                  'derived.as_of_date') }}
                as value_tier_percent_rank
            {%- endif %}

        from derived

    )

    select
        ranked.*,
        {%- if value_measure == 'net_revenue' %}
        ranked.value_percent_rank as value_tier_percent_rank,
        {%- endif %}
        {{ engagement_points('ranked.email_open_rate', 'ranked.email_click_rate', 'ranked.window_session_count',
                             'ranked.window_app_open_count') }} as engagement_points,
        case
            when ranked.order_count > 0
                then
                    {%- if churn_risk_method() == 'p_alive' %}
                    1.0 - ranked.p_alive
                    {%- else %}
                    {{ churn_risk_score('ranked.days_since_last_order', 'ranked.cadence_days') }}
                    {%- endif %}
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
