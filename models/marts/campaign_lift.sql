{#- One row per randomized campaign x dimension x segment, plus one row per
    campaign with dimension = 'all' and segment = 'all' (everyone assigned):
    treatment vs control conversion and revenue in the attribution window, their
    lift and 95% confidence intervals.

    - Assignment: a campaign_assigned event with campaign_variant treatment or
      control (other variants are ignored). A customer assigned to a campaign more
      than once keeps the first assignment (earliest time, then variant).
    - Conversion: at least one purchase (order not fully refunded) placed after
      the assignment time and at most campaign_attribution_days days after it.
      Attributed revenue: the net revenue of those purchases, 0 for non-buyers.
    - Only campaigns whose attribution window has closed by the end of the as-of
      date for every assigned customer are reported (last assignment +
      campaign_attribution_days <= as-of date + 1 day).
    - Segments are the customers' segments as of the as-of date (segment_memberships),
      not as of the assignment.
    - Conversion lift CI: Wald, unpooled SE; revenue lift CI: Welch SE with sample
      variances. Every rate, lift and CI is NULL when a denominator is 0. -#}
{%- set attribution_days = require_whole_number('campaign_attribution_days', 1) -%}
{%- set z = campaign_ci_z() -%}

with

events as (

    select * from {{ ref('int_events_observed') }}

),

orders as (

    select * from {{ ref('int_orders_netted') }}

),

memberships as (

    select * from {{ ref('segment_memberships') }}

),

as_of as (

    select * from {{ ref('int_as_of_date') }}

),

as_of_bounds as (

    select
        as_of_date,
        cast({{ dbt.dateadd('day', 1, 'as_of_date') }} as {{ dbt.type_timestamp() }}) as as_of_ends_at

    from as_of

),

assignment_events as (

    select
        event_id,
        campaign_id,
        customer_id,
        campaign_variant,
        occurred_at as assigned_at

    from events
    where
        event_type = 'campaign_assigned'
        and campaign_id is not null
        and campaign_variant in ('treatment', 'control')

),

-- a customer's first assignment to a campaign: earliest time, then variant, then event (total order)
assignments_ranked as (

    select
        campaign_id,
        customer_id,
        campaign_variant,
        assigned_at,
        row_number() over (
            partition by campaign_id, customer_id
            order by assigned_at asc, campaign_variant asc, event_id asc
        ) as assignment_number

    from assignment_events

),

first_assignments as (

    select
        campaign_id,
        customer_id,
        campaign_variant,
        assigned_at,
        {{ dbt.dateadd('day', attribution_days, 'assigned_at') }} as attribution_ends_at

    from assignments_ranked
    where assignment_number = 1

),

-- campaigns whose every attribution window has closed by the end of the as-of date
campaigns as (

    select
        first_assignments.campaign_id,
        min(first_assignments.assigned_at) as assigned_at,
        max(first_assignments.attribution_ends_at) as last_attribution_ends_at

    from first_assignments
    group by first_assignments.campaign_id

),

reported_campaigns as (

    select
        campaigns.campaign_id,
        campaigns.assigned_at,
        as_of_bounds.as_of_date

    from campaigns
    cross join as_of_bounds
    where campaigns.last_attribution_ends_at <= as_of_bounds.as_of_ends_at

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
        first_assignments.campaign_id,
        first_assignments.customer_id,
        count(*) as purchase_count,
        sum(purchases.net_revenue) as attributed_revenue

    from first_assignments
    inner join purchases
        on
            first_assignments.customer_id = purchases.customer_id
            and first_assignments.assigned_at < purchases.ordered_at
            and first_assignments.attribution_ends_at >= purchases.ordered_at
    group by first_assignments.campaign_id, first_assignments.customer_id

),

customer_outcomes as (

    select
        first_assignments.campaign_id,
        first_assignments.customer_id,
        case when first_assignments.campaign_variant = 'treatment' then 1 else 0 end as is_treatment,
        case when first_assignments.campaign_variant = 'control' then 1 else 0 end as is_control,
        case when attributed_purchases.purchase_count > 0 then 1 else 0 end as is_converted,
        cast(coalesce(attributed_purchases.attributed_revenue, 0) as {{ type_money() }}) as attributed_revenue

    from first_assignments
    inner join reported_campaigns
        on first_assignments.campaign_id = reported_campaigns.campaign_id
    left join attributed_purchases
        on
            first_assignments.campaign_id = attributed_purchases.campaign_id
            and first_assignments.customer_id = attributed_purchases.customer_id

),

-- every assigned customer once in 'all', and once per dimension in their segment
customer_groups as (

    select
        campaign_id,
        cast('all' as {{ dbt.type_string() }}) as dimension,
        cast('all' as {{ dbt.type_string() }}) as segment,
        is_treatment,
        is_control,
        is_converted,
        attributed_revenue

    from customer_outcomes

    union all

    select
        customer_outcomes.campaign_id,
        memberships.dimension,
        memberships.segment,
        customer_outcomes.is_treatment,
        customer_outcomes.is_control,
        customer_outcomes.is_converted,
        customer_outcomes.attributed_revenue

    from customer_outcomes
    inner join memberships
        on customer_outcomes.customer_id = memberships.customer_id

),

group_totals as (

    select
        campaign_id,
        dimension,
        segment,
        sum(is_treatment) as treatment_customers,
        sum(is_control) as control_customers,
        sum(is_treatment * is_converted) as treatment_converted,
        sum(is_control * is_converted) as control_converted,
        sum(case when is_treatment = 1 then attributed_revenue else 0 end) as treatment_revenue,
        sum(case when is_control = 1 then attributed_revenue else 0 end) as control_revenue,
        var_samp(case when is_treatment = 1 then cast(attributed_revenue as {{ type_double() }}) end)
            as treatment_revenue_variance,
        var_samp(case when is_control = 1 then cast(attributed_revenue as {{ type_double() }}) end)
            as control_revenue_variance

    from customer_groups
    group by campaign_id, dimension, segment

),

group_rates as (

    select
        campaign_id,
        dimension,
        segment,
        treatment_customers,
        control_customers,
        treatment_converted,
        control_converted,
        treatment_revenue_variance,
        control_revenue_variance,
        {{ safe_divide('treatment_converted', 'treatment_customers') }} as treatment_conversion_rate,
        {{ safe_divide('control_converted', 'control_customers') }} as control_conversion_rate,
        {{ safe_divide('treatment_revenue', 'treatment_customers') }} as treatment_revenue_per_customer,
        {{ safe_divide('control_revenue', 'control_customers') }} as control_revenue_per_customer

    from group_totals

),

group_lifts as (

    select
        campaign_id,
        dimension,
        segment,
        treatment_customers,
        control_customers,
        treatment_converted,
        control_converted,
        treatment_conversion_rate,
        control_conversion_rate,
        treatment_revenue_per_customer,
        control_revenue_per_customer,
        treatment_conversion_rate - control_conversion_rate as conversion_lift_abs,
        treatment_revenue_per_customer - control_revenue_per_customer as revenue_lift_abs,
        -- unpooled (Wald) standard error of the difference of two proportions
        case
            when treatment_customers > 0 and control_customers > 0
                then sqrt(
                        treatment_conversion_rate * (1 - treatment_conversion_rate) / treatment_customers
                        + control_conversion_rate * (1 - control_conversion_rate) / control_customers
                    )
        end as conversion_lift_se,
        -- Welch standard error of the difference of two means (sample variances)
        case
            when treatment_customers >= 2 and control_customers >= 2
                then sqrt(
                        treatment_revenue_variance / treatment_customers
                        + control_revenue_variance / control_customers
                    )
        end as revenue_lift_se

    from group_rates

),

final as (

    select
        ----------  ids
        group_lifts.campaign_id,
        group_lifts.dimension,
        group_lifts.segment,

        ----------  timestamps
        reported_campaigns.assigned_at,

        ----------  group sizes
        cast(group_lifts.treatment_customers as {{ dbt.type_bigint() }}) as treatment_customers,
        cast(group_lifts.control_customers as {{ dbt.type_bigint() }}) as control_customers,

        ----------  conversion
        cast(group_lifts.treatment_converted as {{ dbt.type_bigint() }}) as treatment_converted,
        cast(group_lifts.control_converted as {{ dbt.type_bigint() }}) as control_converted,
        group_lifts.treatment_conversion_rate,
        group_lifts.control_conversion_rate,
        group_lifts.conversion_lift_abs,
        case
            when group_lifts.control_conversion_rate > 0
                then group_lifts.conversion_lift_abs / group_lifts.control_conversion_rate
        end as conversion_lift_rel,
        group_lifts.conversion_lift_abs
        - cast({{ z }} as {{ type_double() }}) * group_lifts.conversion_lift_se as conversion_lift_ci_low,
        group_lifts.conversion_lift_abs
        + cast({{ z }} as {{ type_double() }}) * group_lifts.conversion_lift_se as conversion_lift_ci_high,

        ----------  revenue
        group_lifts.treatment_revenue_per_customer,
        group_lifts.control_revenue_per_customer,
        group_lifts.revenue_lift_abs,
        case
            when group_lifts.control_revenue_per_customer > 0
                then group_lifts.revenue_lift_abs / group_lifts.control_revenue_per_customer
        end as revenue_lift_rel,
        group_lifts.revenue_lift_abs
        - cast({{ z }} as {{ type_double() }}) * group_lifts.revenue_lift_se as revenue_lift_ci_low,
        group_lifts.revenue_lift_abs
        + cast({{ z }} as {{ type_double() }}) * group_lifts.revenue_lift_se as revenue_lift_ci_high,

        ----------  significance (the conversion lift CI excludes 0; false when it cannot be computed)
        coalesce(
            group_lifts.conversion_lift_abs
            - cast({{ z }} as {{ type_double() }}) * group_lifts.conversion_lift_se > 0
            or group_lifts.conversion_lift_abs
            + cast({{ z }} as {{ type_double() }}) * group_lifts.conversion_lift_se < 0,
            false
        ) as is_significant,

        ----------  dates
        reported_campaigns.as_of_date

    from group_lifts
    inner join reported_campaigns
        on group_lifts.campaign_id = reported_campaigns.campaign_id

)

select * from final
