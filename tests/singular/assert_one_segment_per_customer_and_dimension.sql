{#- segment_memberships has exactly one row per customer and dimension, for
    every customer of customer_facts and every dimension. -#}
{%- set dimensions = segment_dimensions() -%}

with

customer_facts as (

    select * from {{ ref('customer_facts') }}

),

memberships as (

    select * from {{ ref('segment_memberships') }}

),

per_customer as (

    select
        customer_id,
        count(*) as membership_rows,
        count(distinct dimension) as dimensions

    from memberships
    group by customer_id

)

select
    customer_facts.customer_id,
    per_customer.membership_rows,
    per_customer.dimensions
from customer_facts
full outer join per_customer
    on customer_facts.customer_id = per_customer.customer_id
where
    customer_facts.customer_id is null
    or per_customer.customer_id is null
    or per_customer.membership_rows != {{ dimensions | length }}
    or per_customer.dimensions != {{ dimensions | length }}
