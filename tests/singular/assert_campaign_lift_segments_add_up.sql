{#- Within every campaign and dimension, campaign_lift's segments add up to the
    campaign's 'all' row (customers, converted customers, revenue): every
    assigned customer is in exactly one segment of each dimension. -#}

with

campaign_lift as (

    select * from {{ ref('campaign_lift') }}

),

overall as (

    select * from campaign_lift
    where dimension = 'all' and segment = 'all'

),

by_dimension as (

    select
        campaign_id,
        dimension,
        sum(treatment_customers) as treatment_customers,
        sum(control_customers) as control_customers,
        sum(treatment_converted) as treatment_converted,
        sum(control_converted) as control_converted,
        sum(coalesce(treatment_revenue_per_customer, 0) * treatment_customers) as treatment_revenue,
        sum(coalesce(control_revenue_per_customer, 0) * control_customers) as control_revenue

    from campaign_lift
    where dimension != 'all'
    group by campaign_id, dimension

)

select
    by_dimension.campaign_id,
    by_dimension.dimension,
    by_dimension.treatment_customers,
    overall.treatment_customers as expected_treatment_customers,
    by_dimension.control_customers,
    overall.control_customers as expected_control_customers

from by_dimension
left join overall
    on by_dimension.campaign_id = overall.campaign_id
where
    overall.campaign_id is null
    or by_dimension.treatment_customers != overall.treatment_customers
    or by_dimension.control_customers != overall.control_customers
    or by_dimension.treatment_converted != overall.treatment_converted
    or by_dimension.control_converted != overall.control_converted
    or abs(
        by_dimension.treatment_revenue
        - coalesce(overall.treatment_revenue_per_customer, 0) * overall.treatment_customers
    ) > 0.005
    or abs(
        by_dimension.control_revenue
        - coalesce(overall.control_revenue_per_customer, 0) * overall.control_customers
    ) > 0.005
