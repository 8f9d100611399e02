{#- One row per completed history period: the BG/NBD parameters (r, alpha,
    a, b) fitted on the buyers known at period_end, exactly as
    int_clv_bgnbd_fit fits them at the as-of date (macro clv_model_fit), so
    customer_segment_history scores P(alive), and the churn risk of
    churn_risk_method 'p_alive', as a build on that date would.

    Incremental by period, like int_customer_period_end_features (macro
    history_periods_to_build). Empty unless churn_risk_method is 'p_alive'. -#}
-- depends_on: {{ ref('base_raw__events') }}
{{ config(
    materialized='incremental',
    on_schema_change='fail',
    pre_hook=long_query_hooks(),
    post_hook=long_query_reset_hooks(),
    **incremental_config(unique_key='as_of_date', partition_by='as_of_date')
) }}

with

features as (

    select * from {{ ref('int_customer_period_end_features') }}

),

periods as (

    select * from {{ ref('int_history_periods') }}

),

periods_to_build as (

    {{ history_periods_to_build('periods') }}

),

customers as (

    select
        features.customer_id,
        features.as_of_date,
        {{ btyd_summary_columns(prefix='') }}

    from features
    inner join periods_to_build
        on features.as_of_date = periods_to_build.period_end
    where
        features.distinct_purchase_days > 0
        {%- if churn_risk_method() != 'p_alive' %}
        and 1 = 0
        {%- endif %}

),

{{ clv_model_fit('bgnbd', 'customers') }},

fits as (

    select
        periods_to_build.period_start,
        final.*

    from final
    inner join periods_to_build
        on final.as_of_date = periods_to_build.period_end

)

select * from fits
