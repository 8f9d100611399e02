{#- Every customer with at least one purchase has exactly one RFM row with a
    segment; nobody without a purchase is scored. -#}

with

customer_facts as (

    select * from {{ ref('customer_facts') }}

),

customer_rfm as (

    select * from {{ ref('customer_rfm') }}

),

rfm_rows as (

    select
        customer_id,
        count(*) as rfm_rows,
        count(rfm_segment) as segmented_rows
    from customer_rfm
    group by customer_id

)

select
    customer_facts.customer_id,
    customer_facts.order_count,
    coalesce(rfm_rows.rfm_rows, 0) as rfm_rows,
    coalesce(rfm_rows.segmented_rows, 0) as segmented_rows

from customer_facts
full outer join rfm_rows
    on customer_facts.customer_id = rfm_rows.customer_id
where
    (
        customer_facts.order_count > 0
        and (rfm_rows.rfm_rows is null or rfm_rows.rfm_rows != 1 or rfm_rows.segmented_rows != 1)
    )
    or (coalesce(customer_facts.order_count, 0) = 0 and rfm_rows.rfm_rows is not null)
