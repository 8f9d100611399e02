{#- One row per campaign, assigned customer (first valid assignment,
    int_campaign_assignments) and dimension: the segment the customer held
    before the campaign could touch them, the one campaign_lift groups by.

    - The segment is the customer's row of customer_segment_history at the end
      of the last completed history period that ended before the assignment:
      the period's last day is before the assignment's UTC date, so nothing on
      or after the assignment day counts. An assignment on a period's last day
      (any time of it) takes the period before, since the period's segment
      counts the rest of that day; one at midnight after it takes that period.
    - Without such a history row (assignment before the end of the first
      period, or a customer not yet known at that period's end) the segment is
      'no_history_before_assignment' in every dimension. -#}

with

assignments as (

    select * from {{ ref('int_campaign_assignments') }}

),

periods as (

    select * from {{ ref('int_history_periods') }}

),

history as (

    select * from {{ ref('customer_segment_history') }}

),

dimensions as (

    select * from {{ ref('segment_dimensions') }}

),

as_of as (

    select * from {{ ref('int_as_of_date') }}

),

-- the last period whose last day is before the assignment's date
assignment_periods as (

    select
        assignments.campaign_id,
        assignments.customer_id,
        max(periods.period_end) as segment_period_end

    from assignments
    inner join periods
        on periods.period_end < cast(assignments.assigned_at as date)
    group by assignments.campaign_id, assignments.customer_id

),

assignment_dimensions as (

    select
        assignments.campaign_id,
        assignments.customer_id,
        dimensions.dimension,
        assignments.campaign_variant,
        assignments.assigned_at,
        assignment_periods.segment_period_end

    from assignments
    cross join dimensions
    left join assignment_periods
        on
            assignments.campaign_id = assignment_periods.campaign_id
            and assignments.customer_id = assignment_periods.customer_id

),

final as (

    select
        ----------  ids
        assignment_dimensions.campaign_id,
        assignment_dimensions.customer_id,
        cast(assignment_dimensions.dimension as {{ dbt.type_string() }}) as dimension,

        ----------  segment before the assignment
        cast(coalesce(history.segment, 'no_history_before_assignment') as {{ dbt.type_string() }}) as segment,
        history.period_end as segment_period_end,

        ----------  assignment
        assignment_dimensions.campaign_variant,
        assignment_dimensions.assigned_at,

        ----------  dates
        as_of.as_of_date

    from assignment_dimensions
    cross join as_of
    left join history
        on
            assignment_dimensions.customer_id = history.customer_id
            and assignment_dimensions.dimension = history.dimension
            and assignment_dimensions.segment_period_end = history.period_end

)

select * from final
