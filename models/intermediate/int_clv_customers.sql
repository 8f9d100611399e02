{#- One row per buyer on the as-of date: the buy-till-you-die summary the CLV
    models fit and score on (macro btyd_summary_columns, the same columns as
    customer_facts' btyd_*), in days. -#}

with

features as (

    select * from {{ ref('int_customer_features') }}

),

as_of as (

    select * from {{ ref('int_as_of_date') }}

),

buyers as (

    select features.*
    from features
    inner join as_of
        on features.as_of_date = as_of.as_of_date
    where features.distinct_purchase_days > 0

),

final as (

    select
        customer_id,
        as_of_date,
        {{ btyd_summary_columns(prefix='') }}

    from buyers

)

select * from final
