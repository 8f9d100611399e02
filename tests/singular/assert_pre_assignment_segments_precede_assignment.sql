{#- campaign_pre_assignment_segments uses nothing from the assignment day on:
    every segment comes from a history period whose last day is before the
    assignment's UTC date, and segment_period_end is NULL exactly for the
    bucket 'no_history_before_assignment'. -#}

with

pre_assignment_segments as (

    select * from {{ ref('campaign_pre_assignment_segments') }}

)

select
    campaign_id,
    customer_id,
    dimension,
    segment,
    segment_period_end,
    assigned_at

from pre_assignment_segments
where
    segment_period_end >= cast(assigned_at as date)
    or (segment_period_end is null and segment != 'no_history_before_assignment')
    or (segment_period_end is not null and segment = 'no_history_before_assignment')
