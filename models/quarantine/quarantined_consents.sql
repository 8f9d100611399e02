{#- Raw consent records held back from every model, one row per raw row, with
    the reason (base_raw__consents) and when it was found. A held-back record
    never counts as consent: a customer whose only opt_in is here is not in any
    audience. Not granted to BI. -#}

with

checked_consents as (

    select * from {{ ref('base_raw__consents') }}

),

final as (

    select
        ----------  the raw row, as text (trimmed; categories lower-cased)
        customer_id as raw_customer_id,
        channel as raw_channel,
        consent_status as raw_consent_status,
        delivered_recorded_at as raw_recorded_at,

        ----------  the check
        quarantine_reason,
        {{ build_started_at() }} as detected_at

    from checked_consents
    where quarantine_reason is not null

)

select * from final
