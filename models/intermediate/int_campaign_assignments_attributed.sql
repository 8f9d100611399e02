{#- One row per fully observed campaign (int_campaigns_fully_observed) and
    assigned customer: the customer's group and outcome in the attribution
    window of their first assignment (int_campaign_assignments).

    - Conversion: at least one purchase (order not fully refunded) placed after
      the assignment time and at most campaign_attribution_days days after it
      (strictly after the assignment, up to and including the window's end).
    - Attributed revenue: the net revenue of those purchases, 0 for non-buyers. -#}

with

assignments as (

    select * from {{ ref('int_campaign_assignments') }}

),

campaigns as (

    select * from {{ ref('int_campaigns_fully_observed') }}

),

orders as (

    select * from {{ ref('int_orders_netted') }}

),

purchases as (

    select
        customer_id,
        ordered_at,
        net_revenue

    from orders
    where not is_fully_refunded

),

-- purchases after the assignment, up to and including the end of the attribution window
attributed_purchases as (

    select
        assignments.campaign_id,
        assignments.customer_id,
        count(*) as purchase_count,
        sum(purchases.net_revenue) as attributed_revenue

    from assignments
    inner join purchases
        on
            assignments.customer_id = purchases.customer_id
            and assignments.assigned_at < purchases.ordered_at
            and assignments.attribution_ends_at >= purchases.ordered_at
    group by assignments.campaign_id, assignments.customer_id

),

final as (

    select
        ----------  ids
        assignments.campaign_id,
        assignments.customer_id,

        ----------  group
        assignments.campaign_variant,
        case when assignments.campaign_variant = 'treatment' then 1 else 0 end as is_treatment,
        case when assignments.campaign_variant = 'control' then 1 else 0 end as is_control,

        ----------  outcome in the attribution window
        case when attributed_purchases.purchase_count > 0 then 1 else 0 end as is_converted,
        cast(coalesce(attributed_purchases.attributed_revenue, 0) as {{ type_money() }}) as attributed_revenue,

        ----------  timestamps
        assignments.assigned_at,
        assignments.attribution_ends_at,

        ----------  dates
        campaigns.as_of_date

    from assignments
    inner join campaigns
        on assignments.campaign_id = campaigns.campaign_id
    left join attributed_purchases
        on
            assignments.campaign_id = attributed_purchases.campaign_id
            and assignments.customer_id = attributed_purchases.customer_id

)

select * from final
