{#- R, F and M values and scores for every customer with at least one purchase
    on the as-of date, from their features at that date (int_customer_features).
    Customers who never bought are not scored. The rule is the macro rfm_scored
    (macros/rules/segment_assignment.sql), shared with customer_segment_history. -#}

with

features as (

    select * from {{ ref('int_customer_features') }}

),

as_of as (

    select * from {{ ref('int_as_of_date') }}

),

current_features as (

    select features.*
    from features
    inner join as_of
        on features.as_of_date = as_of.as_of_date

),

scored as (

    {{ rfm_scored('current_features') }}

),

final as (

    select
        customer_id,
        recency_days,
        frequency,
        monetary,
        r_score,
        f_score,
        m_score,
        as_of_date

    from scored

)

select * from final
