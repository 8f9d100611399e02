{#- One row per customer, completed period and dimension of customer_segments:
    the segment the customer was in at the end of the period, exactly as a
    build with as_of_date = period_end gives it. The customers' features at
    each period end (int_customer_period_end_features, from the event log, so a new
    installation has full history at once) go through the same scores and
    rules as customer_segments (macros/rules/segment_assignment.sql).
    Incremental by period. -#}
-- depends_on: {{ ref('base_raw__events') }}
{{ config(
    materialized='incremental',
    on_schema_change='fail',
    post_hook="{{ forget_erased_customers() }}",
    **incremental_config(unique_key='period_end', partition_by='period_end')
) }}

with

features as (

    select * from {{ ref('int_customer_period_end_features') }}

),

periods as (

    select * from {{ ref('int_history_periods') }}

),

clv_parameters as (

    select * from {{ ref('int_clv_period_end_fits') }}

),

segment_map as (

    select * from {{ ref('rfm_segment_map') }}
    where segment_map = '{{ var("rfm_segment_map") }}'

),

periods_to_build as (

    {{ history_periods_to_build('periods') }}

),

period_features as (

    select features.*
    from features
    inner join periods_to_build
        on features.as_of_date = periods_to_build.period_end

),

rfm_scored as (

    {{ rfm_scored('period_features') }}

),

rfm_segments as (

    select
        rfm_scored.as_of_date,
        rfm_scored.customer_id,
        segment_map.rfm_segment

    from rfm_scored
    inner join segment_map
        on {{ rfm_score_in_box('rfm_scored', 'segment_map') }}

),

features_with_rfm as (

    select
        period_features.*,
        rfm_segments.rfm_segment

    from period_features
    left join rfm_segments
        on period_features.as_of_date = rfm_segments.as_of_date
            and period_features.customer_id = rfm_segments.customer_id

),

scored as (

    {{ segment_inputs('features_with_rfm', 'clv_parameters') }}

),

segmented as (

    select
        {%- for dimension, rule in segment_rule_expressions().items() %}
        {{ rule }} as {{ dimension }},
        {%- endfor %}
        period_start,
        as_of_date as period_end,
        customer_id,
        period_net_revenue,
        net_revenue

    from scored

),

unpivoted as (

    {%- for dimension in segment_dimensions() %}
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
