{#- One row per randomized campaign x dimension x segment, plus one row per
    campaign with dimension = segment = 'all' (everyone assigned): treatment vs
    control conversion and revenue, their lifts and 95% confidence intervals.
    Groups and outcomes: int_campaign_assignments_attributed (fully observed
    campaigns only). Segments are those held before the assignment
    (campaign_pre_assignment_segments), within which randomization holds.
    Conversion lift CI: Wald, unpooled SE; revenue lift CI: Welch SE with sample
    variances. Every rate, lift and CI is NULL when a denominator is 0. -#}
{%- set z = campaign_ci_z() -%}

with

assignments as (

    select * from {{ ref('int_campaign_assignments_attributed') }}

),

campaigns as (

    select * from {{ ref('int_campaigns_fully_observed') }}

),

pre_assignment_segments as (

    select * from {{ ref('campaign_pre_assignment_segments') }}

),

-- every assigned customer once in 'all', and once per dimension in their segment before the assignment
customer_groups as (

    select
        campaign_id,
        cast('all' as {{ dbt.type_string() }}) as dimension,
        cast('all' as {{ dbt.type_string() }}) as segment,
        is_treatment,
        is_control,
        is_converted,
        attributed_revenue

    from assignments

    union all

    select
        assignments.campaign_id,
        pre_assignment_segments.dimension,
        pre_assignment_segments.segment,
        assignments.is_treatment,
        assignments.is_control,
        assignments.is_converted,
        assignments.attributed_revenue

    from assignments
    inner join pre_assignment_segments
        on
            assignments.campaign_id = pre_assignment_segments.campaign_id
            and assignments.customer_id = pre_assignment_segments.customer_id

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
        -- z x the unpooled (Wald) standard error of the difference of two proportions
        case
            when treatment_customers > 0 and control_customers > 0
                then cast({{ z }} as {{ type_double() }}) * sqrt(
                        treatment_conversion_rate * (1 - treatment_conversion_rate) / treatment_customers
                        + control_conversion_rate * (1 - control_conversion_rate) / control_customers
                    )
        end as conversion_lift_margin,
        -- z x the Welch standard error of the difference of two means (sample variances)
        case
            when treatment_customers >= 2 and control_customers >= 2
                then cast({{ z }} as {{ type_double() }}) * sqrt(
                        treatment_revenue_variance / treatment_customers
                        + control_revenue_variance / control_customers
                    )
        end as revenue_lift_margin

    from group_rates

),

final as (

    select
        ----------  ids
        group_lifts.campaign_id,
        group_lifts.dimension,
        group_lifts.segment,

        ----------  timestamps
        campaigns.assigned_at,

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
        group_lifts.conversion_lift_abs - group_lifts.conversion_lift_margin as conversion_lift_ci_low,
        group_lifts.conversion_lift_abs + group_lifts.conversion_lift_margin as conversion_lift_ci_high,

        ----------  revenue
        group_lifts.treatment_revenue_per_customer,
        group_lifts.control_revenue_per_customer,
        group_lifts.revenue_lift_abs,
        case
            when group_lifts.control_revenue_per_customer > 0
                then group_lifts.revenue_lift_abs / group_lifts.control_revenue_per_customer
        end as revenue_lift_rel,
        group_lifts.revenue_lift_abs - group_lifts.revenue_lift_margin as revenue_lift_ci_low,
        group_lifts.revenue_lift_abs + group_lifts.revenue_lift_margin as revenue_lift_ci_high,

        ----------  significance (the conversion lift CI excludes 0; false when it cannot be computed)
        coalesce(
            group_lifts.conversion_lift_abs - group_lifts.conversion_lift_margin > 0
            or group_lifts.conversion_lift_abs + group_lifts.conversion_lift_margin < 0,
            false
        ) as is_significant,

        ----------  dates
        campaigns.as_of_date

    from group_lifts
    inner join campaigns
        on group_lifts.campaign_id = campaigns.campaign_id

)

select * from final
