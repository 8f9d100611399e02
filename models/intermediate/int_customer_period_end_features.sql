{#- One row per customer known at the end of each completed history period:
    the features of int_customer_features as of period_end (same macro,
    customer_features), which customer_segment_history turns into segments.
    preferred_hour, an attribute no rule reads, is left NULL.

    Incremental by period, like customer_segment_history (macro
    history_periods_to_build): a run computes the new periods, the last
    history_lookback_periods built ones again, and every period ending on or
    after the earliest day of the event rows this build loaded or changed. -#}
-- depends_on: {{ ref('base_raw__events') }}
{{ config(
    materialized='incremental',
    on_schema_change='fail',
    pre_hook=long_query_hooks(hash_joins=true),
    post_hook=["{{ forget_erased_customers() }}"] + long_query_reset_hooks(),
    **incremental_config(unique_key='as_of_date', partition_by='as_of_date')
) }}

with

periods as (

    select * from {{ ref('int_history_periods') }}

),

periods_to_build as (

    {{ history_periods_to_build('periods') }}

),

as_of_dates as (

    select
        period_end as as_of_date,
        period_start

    from periods_to_build

),

final as (

    {{ customer_features('as_of_dates', with_preferred_hour=false) }}

)

select * from final
