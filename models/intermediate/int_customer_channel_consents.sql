{#- One row per customer and channel with at least one consent record by the
    end of the as-of date: the record in force then, i.e. the latest one with
    recorded_at before midnight after the as-of date. When records share that
    latest instant, opt_out wins (consent must be unambiguous). Records after
    the as-of date are ignored. A customer without a row on a channel is not
    consenting on it. -#}

with

consents as (

    select * from {{ ref('stg_raw__consents') }}

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

known_consents as (

    select
        consents.customer_id,
        consents.channel,
        consents.consent_status,
        consents.recorded_at,
        as_of_bounds.as_of_date

    from consents
    cross join as_of_bounds
    where consents.recorded_at < as_of_bounds.as_of_ends_at

),

-- latest first; at the same instant opt_out first. (customer, channel, time,
-- status) is unique in staging, so this is a total order.
ranked as (

    select
        customer_id,
        channel,
        consent_status,
        recorded_at,
        as_of_date,
        row_number() over (
            partition by customer_id, channel
            order by
                recorded_at desc,
                case when consent_status = 'opt_out' then 0 else 1 end asc
        ) as consent_recency_rank

    from known_consents

),

final as (

    select
        ----------  ids
        customer_id,
        channel,

        ----------  consent in force
        consent_status,
        consent_status = 'opt_in' as is_consenting,

        ----------  timestamps
        recorded_at as consent_recorded_at,

        ----------  dates
        as_of_date

    from ranked
    where consent_recency_rank = 1

)

select * from final
