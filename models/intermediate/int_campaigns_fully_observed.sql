{#- One row per campaign whose attribution window has closed by the end of the
    as-of date for every assigned customer: the window of the campaign's last
    assignment ends at or before midnight after the as-of date (last assignment
    + campaign_attribution_days <= as-of date + 1 day). Campaigns still inside a
    window are left out, so no half-observed campaign is ever reported. -#}

with

assignments as (

    select * from {{ ref('int_campaign_assignments') }}

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

campaigns as (

    select
        campaign_id,
        min(assigned_at) as assigned_at,
        max(attribution_ends_at) as last_attribution_ends_at

    from assignments
    group by campaign_id

),

final as (

    select
        ----------  ids
        campaigns.campaign_id,

        ----------  timestamps
        campaigns.assigned_at,
        campaigns.last_attribution_ends_at,

        ----------  dates
        as_of_bounds.as_of_date

    from campaigns
    cross join as_of_bounds
    where campaigns.last_attribution_ends_at <= as_of_bounds.as_of_ends_at

)

select * from final
