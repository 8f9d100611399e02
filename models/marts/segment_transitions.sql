{#- One row per customer, history dimension and period in which the customer
    changed segment between the end of the previous period and the end of
    this one: the trigger table for win-back, thank-you or upgrade campaigns.
    Customers staying put are not here; entries and exits are (from or to
    '(none)'). Incremental by period, like customer_segment_history. -#}
-- depends_on: {{ ref('base_raw__events') }}
{{ config(
    materialized='incremental',
    on_schema_change='fail',
    post_hook="{{ forget_erased_customers() }}",
    **incremental_config(unique_key='period_end', partition_by='period_end')
) }}

with

history as (

    select * from {{ ref('customer_segment_history') }}

),

periods as (

    select * from {{ ref('int_history_periods') }}

),

periods_to_build as (

    {{ history_periods_to_build('periods') }}

),

paired as (

    {{ paired_segment_history('history', 'periods_to_build') }}

),

final as (

    select
        ----------  keys
        customer_id,
        dimension,
        period_start,
        period_end,
        previous_period_end,

        ----------  the change
        from_segment,
        to_segment,
        migration_type,

        ----------  revenue
        cast(period_net_revenue as {{ type_money() }}) as period_net_revenue

    from paired
    where migration_type <> 'stay'

)

select * from final
