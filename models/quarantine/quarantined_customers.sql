{#- Raw customer rows with a problem, one row per raw row, with the reason and
    when it was found. held_back: the row was not used (no customer_id); else
    the customer was kept and only the value named by the reason was dropped
    (set to NULL). Not granted to BI: it holds raw data as delivered. -#}

with

checked_customers as (

    select * from {{ ref('base_raw__customers') }}

),

final as (

    select
        ----------  the raw row (personal data, the birth date included, is not copied here)
        customer_id as raw_customer_id,
        delivered_signed_up_at as raw_signed_up_at,

        ----------  the check
        coalesce(quarantine_reason, value_reason) as quarantine_reason,
        quarantine_reason is not null as held_back,
        {{ build_started_at() }} as detected_at

    from checked_customers
    where quarantine_reason is not null or value_reason is not null

)

select * from final
