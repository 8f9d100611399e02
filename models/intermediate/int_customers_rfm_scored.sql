{#- R, F and M values and scores for every customer with at least one purchase
    on the as-of date. Customers who never bought are not scored. -#}

with

customer_facts as (

    select * from {{ ref('customer_facts') }}

),

buyers as (

    select
        customer_id,
        as_of_date,
        days_since_last_order as recency_days,
        order_count as frequency,
        net_revenue as monetary

    from customer_facts
    where order_count > 0

),

final as (

    select
        customer_id,
        recency_days,
        frequency,
        monetary,
        {{ rfm_score('recency_days', false, 'rfm_recency_thresholds') }} as r_score,
        {{ rfm_score('frequency', true, 'rfm_frequency_thresholds') }} as f_score,
        {{ rfm_score('monetary', true, 'rfm_monetary_thresholds') }} as m_score,
        as_of_date

    from buyers

)

select * from final
