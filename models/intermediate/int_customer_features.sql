{#- One row per customer known on the as-of date: every feature a segment
    rule reads (macro customer_features, macros/features/customer_features.sql).
    customer_facts, RFM scoring, customer_segments and segment_summary read
    it; int_customer_period_end_features holds the same features at the end
    of every completed history period, computed by the same macro. -#}
{{ config(pre_hook=long_query_hooks(hash_joins=true), post_hook=long_query_reset_hooks()) }}

with

as_of as (

    select * from {{ ref('int_as_of_date') }}

),

as_of_dates as (

    select
        as_of_date,
        cast({{ dbt.date_trunc(history_period(), 'as_of_date') }} as date) as period_start

    from as_of

),

final as (

    {{ customer_features('as_of_dates') }}

)

select * from final
