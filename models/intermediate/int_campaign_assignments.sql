{#- One row per campaign and assigned customer: the customer's first valid
    assignment and the end of its attribution window.

    - Assignment: a campaign_assigned event with a campaign_id and
      campaign_variant treatment or control (other variants are ignored).
    - A customer assigned to a campaign more than once keeps the first
      assignment: earliest time, then variant, then event (a total order).
    - The attribution window runs from the assignment to
      campaign_attribution_days days after it. -#}
{%- set attribution_days = require_whole_number('campaign_attribution_days', 1) -%}

with

events as (

    select * from {{ ref('int_events_observed') }}

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

final as (

    select
        ----------  ids
        campaign_id,
        customer_id,

        ----------  assignment
        campaign_variant,

        ----------  timestamps
        assigned_at,
        {{ dbt.dateadd('day', attribution_days, 'assigned_at') }} as attribution_ends_at

    from assignments_ranked
    where assignment_number = 1

)

select * from final
