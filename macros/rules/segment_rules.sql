{#- Behavioral segment rules. Each rule is one dispatchable macro that turns a
    few feature columns of customer_segments into a segment name; thresholds
    come from vars documented in dbt_project.yml. To change a rule, edit it here,
    or (when this project is installed as a package) define
    `default__<rule>` in your own project and list it first in
    `dispatch: [{macro_namespace: behavioral_segmentation, search_order: [...]}]`.
    Every name a rule can return is listed in the seed segment_definitions. -#}

{#- Purchase behavior: prospect (never bought), first-time, repeat, frequent. -#}
{% macro purchase_behavior_segment(order_count) -%}
    {{ return(adapter.dispatch('purchase_behavior_segment', 'behavioral_segmentation')(order_count)) }}
{%- endmacro %}

{% macro default__purchase_behavior_segment(order_count) -%}
    case
        when {{ order_count }} = 0 then 'prospect'
        when {{ order_count }} = 1 then 'first_time_buyer'
        when {{ order_count }} >= {{ var('frequent_buyer_min_orders') }} then 'frequent_buyer'
        else 'repeat_buyer'
    end
{%- endmacro %}

{#- Seasonal buyer: most purchases fall in one recurring occasion. -#}
{% macro seasonality_segment(order_count, top_occasion_share) -%}
    {{ return(adapter.dispatch('seasonality_segment', 'behavioral_segmentation')(order_count, top_occasion_share)) }}
{%- endmacro %}

{% macro default__seasonality_segment(order_count, top_occasion_share) -%}
    case
        when {{ order_count }} = 0 then 'no_purchases'
        when {{ order_count }} >= {{ var('seasonal_min_orders') }}
            and {{ top_occasion_share }} >= {{ var('seasonal_min_share') }} then 'seasonal_buyer'
        else 'non_seasonal_buyer'
    end
{%- endmacro %}

{#- Usage rate: activity per active week, ranked among customers with activity. -#}
{% macro usage_rate_segment(window_activity_count, activity_percent_rank) -%}
    {{ return(adapter.dispatch('usage_rate_segment', 'behavioral_segmentation')(
        window_activity_count, activity_percent_rank)) }}
{%- endmacro %}

{% macro default__usage_rate_segment(window_activity_count, activity_percent_rank) -%}
    case
        when coalesce({{ window_activity_count }}, 0) = 0 then 'non_user'
        when {{ activity_percent_rank }} >= {{ var('usage_heavy_min_percentile') }} then 'heavy_user'
        when {{ activity_percent_rank }} >= {{ var('usage_moderate_min_percentile') }} then 'moderate_user'
        else 'light_user'
    end
{%- endmacro %}

{#- Lifecycle, judged against the customer's own cadence (expected days between
    purchase days). Checked in this order: new, reactivated, lapsed, at risk,
    loyal, active. -#}
{% macro lifecycle_segment(
    order_count, days_since_first_purchase, days_since_last_order, cadence_days,
    last_gap_days, prior_cadence_days, value_percent_rank
) -%}
    {{ return(adapter.dispatch('lifecycle_segment', 'behavioral_segmentation')(
        order_count, days_since_first_purchase, days_since_last_order, cadence_days,
        last_gap_days, prior_cadence_days, value_percent_rank)) }}
{%- endmacro %}

{% macro default__lifecycle_segment(
    order_count, days_since_first_purchase, days_since_last_order, cadence_days,
    last_gap_days, prior_cadence_days, value_percent_rank
) -%}
    case
        when {{ order_count }} = 0 then 'prospect'
        when {{ days_since_first_purchase }} <= {{ var('lifecycle_new_days') }} then 'new'
        when {{ last_gap_days }} >= {{ var('lifecycle_lapsed_cadence_multiple') }} * {{ prior_cadence_days }}
            and {{ days_since_last_order }} <= {{ var('lifecycle_reactivated_window_days') }} then 'reactivated'
        when {{ days_since_last_order }} > {{ var('lifecycle_lapsed_cadence_multiple') }} * {{ cadence_days }}
            then 'lapsed'
        when {{ days_since_last_order }} > {{ var('lifecycle_at_risk_cadence_multiple') }} * {{ cadence_days }}
            then 'at_risk'
        when {{ order_count }} >= {{ var('lifecycle_loyal_min_orders') }}
            and {{ days_since_first_purchase }} >= {{ var('lifecycle_loyal_min_tenure_days') }}
            and {{ value_percent_rank }} >= {{ var('value_medium_min_percentile') }} then 'loyal'
        else 'active'
    end
{%- endmacro %}

{#- Engagement points over the activity window, and the level they make. -#}
{% macro engagement_points(email_open_rate, email_click_rate, window_sessions, window_app_opens) -%}
    {{ return(adapter.dispatch('engagement_points', 'behavioral_segmentation')(
        email_open_rate, email_click_rate, window_sessions, window_app_opens)) }}
{%- endmacro %}

{% macro default__engagement_points(email_open_rate, email_click_rate, window_sessions, window_app_opens) -%}
    (
        case
            when {{ email_open_rate }} >= {{ var('engagement_open_rate_high') }} then 2
            when {{ email_open_rate }} >= {{ var('engagement_open_rate_low') }} then 1
            else 0
        end
        + case when {{ email_click_rate }} >= {{ var('engagement_click_rate_min') }} then 1 else 0 end
        + case
            when {{ window_sessions }} >= {{ var('engagement_sessions_high') }} then 2
            when {{ window_sessions }} >= 1 then 1
            else 0
        end
        + case when {{ window_app_opens }} >= {{ var('engagement_app_opens_min') }} then 1 else 0 end
    )
{%- endmacro %}

{% macro engagement_level(points) -%}
    {{ return(adapter.dispatch('engagement_level', 'behavioral_segmentation')(points)) }}
{%- endmacro %}

{% macro default__engagement_level(points) -%}
    case
        when {{ points }} >= {{ var('engagement_highly_engaged_min_points') }} then 'highly_engaged'
        when {{ points }} >= {{ var('engagement_engaged_min_points') }} then 'engaged'
        when {{ points }} >= 1 then 'passive'
        else 'dormant'
    end
{%- endmacro %}

{#- Customer journey stage: the furthest stage reached. -#}
{% macro journey_stage(order_count, consideration_events, advocacy_events) -%}
    {{ return(adapter.dispatch('journey_stage', 'behavioral_segmentation')(
        order_count, consideration_events, advocacy_events)) }}
{%- endmacro %}

{% macro default__journey_stage(order_count, consideration_events, advocacy_events) -%}
    case
        when {{ advocacy_events }} > 0 then 'advocacy'
        when {{ order_count }} >= 2 then 'retention'
        when {{ order_count }} = 1 then 'purchase'
        when {{ consideration_events }} > 0 then 'consideration'
        else 'awareness'
    end
{%- endmacro %}

{#- Occasion: the calendar occasion holding most of the customer's purchases. -#}
{% macro occasion_segment(order_count, top_occasion, top_occasion_purchase_count, top_occasion_share) -%}
    {{ return(adapter.dispatch('occasion_segment', 'behavioral_segmentation')(
        order_count, top_occasion, top_occasion_purchase_count, top_occasion_share)) }}
{%- endmacro %}

{% macro default__occasion_segment(order_count, top_occasion, top_occasion_purchase_count, top_occasion_share) -%}
    case
        when {{ order_count }} = 0 then 'no_purchases'
        when {{ top_occasion_purchase_count }} >= {{ var('occasion_min_orders') }}
            and {{ top_occasion_share }} >= {{ var('occasion_min_share') }} then {{ top_occasion }}
        else 'no_occasion'
    end
{%- endmacro %}

{#- Weekday or weekend preference, from the share of activity at weekends. -#}
{% macro day_preference_segment(activity_count, weekend_activity_count) -%}
    {{ return(adapter.dispatch('day_preference_segment', 'behavioral_segmentation')(
        activity_count, weekend_activity_count)) }}
{%- endmacro %}

{% macro default__day_preference_segment(activity_count, weekend_activity_count) -%}
    case
        when coalesce({{ activity_count }}, 0) = 0 then 'no_activity'
        when cast({{ weekend_activity_count }} as {{ type_double() }}) / {{ activity_count }}
            >= {{ var('weekend_preference_min_share') }} then 'weekend'
        else 'weekday'
    end
{%- endmacro %}

{#- Birthday-month buyers, where a birth date is known. -#}
{% macro birthday_segment(birth_date, order_count, birthday_month_purchase_count) -%}
    {{ return(adapter.dispatch('birthday_segment', 'behavioral_segmentation')(
        birth_date, order_count, birthday_month_purchase_count)) }}
{%- endmacro %}

{% macro default__birthday_segment(birth_date, order_count, birthday_month_purchase_count) -%}
    case
        when {{ birth_date }} is null then 'unknown_birth_date'
        when {{ order_count }} = 0 then 'no_purchases'
        when {{ birthday_month_purchase_count }} >= {{ var('birthday_min_purchases') }} then 'birthday_month_buyer'
        else 'not_birthday_buyer'
    end
{%- endmacro %}

{#- Benefits sought: price-driven (a high share of discounted purchases or of
    discount value) before premium (pays above the category median price),
    else mainstream. -#}
{% macro benefit_segment(order_count, discounted_order_share, discount_value_share, price_ratio) -%}
    {{ return(adapter.dispatch('benefit_segment', 'behavioral_segmentation')(
        order_count, discounted_order_share, discount_value_share, price_ratio)) }}
{%- endmacro %}

{% macro default__benefit_segment(order_count, discounted_order_share, discount_value_share, price_ratio) -%}
    case
        when {{ order_count }} = 0 then 'no_purchases'
        when {{ discounted_order_share }} >= {{ var('price_driven_min_discounted_share') }} then 'price_driven'
        when {{ discount_value_share }} >= {{ var('price_driven_min_discount_value_share') }} then 'price_driven'
        when {{ price_ratio }} >= {{ var('premium_min_price_ratio') }} then 'premium'
        else 'mainstream'
    end
{%- endmacro %}

{#- The var churn_risk_method, checked: 'p_alive' (churn risk = 1 - P(alive)
    under the BG/NBD model fitted at the same date) or 'recency_cadence'
    (the score of churn_risk_score below). -#}
{#- The var value_tier_method, checked: 'net_revenue' (value tier from the
    percent rank of net revenue among buyers) or 'predicted_clv' (of
    customer_lifetime_value's predicted_clv; customer_segments only, see
    segment_inputs). -#}
{% macro value_tier_method() -%}
    {{ return(var_choice('value_tier_method', ['net_revenue', 'predicted_clv'])) }}
{%- endmacro %}

{% macro churn_risk_method() -%}
    {{ return(var_choice('churn_risk_method', ['p_alive', 'recency_cadence'])) }}
{%- endmacro %}

{#- Churn risk in 0..1 from how overdue the next purchase is (churn_risk_method
    'recency_cadence'): ratio = days since last purchase / expected days
    between purchases, risk = ratio^k / (1 + ratio^k): 0.5 when exactly one
    cadence has passed. -#}
{% macro churn_risk_score(days_since_last_order, cadence_days) -%}
    {{ return(adapter.dispatch('churn_risk_score', 'behavioral_segmentation')(days_since_last_order, cadence_days)) }}
{%- endmacro %}

{% macro default__churn_risk_score(days_since_last_order, cadence_days) -%}
    {%- set ratio = 'cast(' ~ days_since_last_order ~ ' as ' ~ type_double() ~ ') / ' ~ cadence_days -%}
    {%- set k = var('churn_risk_steepness') -%}
    power({{ ratio }}, {{ k }}) / (1 + power({{ ratio }}, {{ k }}))
{%- endmacro %}

{% macro churn_risk_band(score) -%}
    {{ return(adapter.dispatch('churn_risk_band', 'behavioral_segmentation')(score)) }}
{%- endmacro %}

{% macro default__churn_risk_band(score) -%}
    case
        when {{ score }} is null then 'not_applicable'
        when {{ score }} >= {{ var('churn_risk_high_min') }} then 'high'
        when {{ score }} >= {{ var('churn_risk_medium_min') }} then 'medium'
        else 'low'
    end
{%- endmacro %}

{#- Value tier from the percent rank of net revenue among buyers. -#}
{% macro value_tier(order_count, value_percent_rank) -%}
    {{ return(adapter.dispatch('value_tier', 'behavioral_segmentation')(order_count, value_percent_rank)) }}
{%- endmacro %}

{% macro default__value_tier(order_count, value_percent_rank) -%}
    case
        when {{ order_count }} = 0 then 'none'
        when {{ value_percent_rank }} >= {{ var('value_high_min_percentile') }} then 'high'
        when {{ value_percent_rank }} >= {{ var('value_medium_min_percentile') }} then 'medium'
        else 'low'
    end
{%- endmacro %}

{#- Preferred channel: web or app, whichever holds more of the customer's
    activity events (all history; ties go to web). -#}
{% macro preferred_channel_segment(web_activity_count, app_activity_count) -%}
    {{ return(adapter.dispatch('preferred_channel_segment', 'behavioral_segmentation')(
        web_activity_count, app_activity_count)) }}
{%- endmacro %}

{% macro default__preferred_channel_segment(web_activity_count, app_activity_count) -%}
    case
        when coalesce({{ web_activity_count }}, 0) + coalesce({{ app_activity_count }}, 0) = 0 then 'no_activity'
        when coalesce({{ app_activity_count }}, 0) > coalesce({{ web_activity_count }}, 0) then 'app'
        else 'web'
    end
{%- endmacro %}

{#- Every dimension and its rule: dimension -> SQL over the columns of
    segment_inputs() (int_customer_features plus ranks and scores). The one
    list of dimensions (macro segment_dimensions): customer_segments has a
    column per entry, in this order, segment_memberships and
    customer_segment_history a row. To add a dimension: its rule above, an
    entry here, its segments in seeds/segment_definitions.csv and its column
    in models/marts/customer_segments.yml (a new feature, if it needs one, is
    an entry of customer_day_counts or a column of the feature macros). -#}
{% macro segment_rule_expressions() -%}
    {{ return({
        'purchase_behavior': purchase_behavior_segment('order_count'),
        'seasonality': seasonality_segment('order_count', 'top_occasion_share'),
        'usage_rate': usage_rate_segment('window_activity_count', 'activity_percent_rank'),
        'lifecycle': lifecycle_segment(
            'order_count', 'days_since_first_purchase', 'days_since_last_order', 'cadence_days',
            'last_gap_days', 'prior_cadence_days', 'value_percent_rank'),
        'engagement': engagement_level('engagement_points'),
        'journey_stage': journey_stage('order_count', 'consideration_events', 'advocacy_events'),
        'occasion': occasion_segment('order_count', 'top_occasion', 'top_occasion_purchase_count', 'top_occasion_share'),
        'day_preference': day_preference_segment('activity_count', 'weekend_activity_count'),
        'daypart': "coalesce(preferred_daypart, 'no_activity')",
        'birthday': birthday_segment('birth_date', 'order_count', 'birthday_month_purchase_count'),
        'benefit': benefit_segment('order_count', 'discounted_order_share', 'discount_value_share', 'price_ratio'),
        'churn_risk': churn_risk_band('churn_risk_score'),
        'value_tier': value_tier('order_count', 'value_tier_percent_rank'),
        'rfm_segment': "coalesce(rfm_segment, 'not_scored')",
        'preferred_channel': preferred_channel_segment('web_activity_count', 'app_activity_count'),
    }) }}
{%- endmacro %}
