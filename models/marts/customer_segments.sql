{#- One row per customer known on the as-of date, with one segment for every
    behavioral dimension and the measures the rules used: the customer's
    features at the current as-of date (int_customer_features) through the
    rules (macros/rules/segment_assignment.sql, the same path as
    customer_segment_history). Every threshold is a var. -#}

with

features as (

    select * from {{ ref('int_customer_features') }}

),

customer_rfm as (

    select * from {{ ref('customer_rfm') }}

),

as_of as (

    select * from {{ ref('int_as_of_date') }}

),

clv_parameters as (

    select * from {{ ref('int_clv_model_fits') }}

),

lifetime_values as (

    select * from {{ ref('customer_lifetime_value') }}

),

current_features as (

    select
        features.*,
        customer_rfm.rfm_segment,
        lifetime_values.predicted_clv

    from features
    inner join as_of
        on features.as_of_date = as_of.as_of_date
    left join customer_rfm
        on features.customer_id = customer_rfm.customer_id
    left join lifetime_values
        on features.customer_id = lifetime_values.customer_id

),

scored as (

    {{ segment_inputs('current_features', 'clv_parameters',
                      'predicted_clv' if value_tier_method() == 'predicted_clv' else 'net_revenue') }}

),

final as (

    select
        ----------  ids
        customer_id,

        ----------  segments, one per dimension
        {%- for dimension, rule in segment_rule_expressions().items() %}
        {{ rule }} as {{ dimension }},
        {%- endfor %}

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
