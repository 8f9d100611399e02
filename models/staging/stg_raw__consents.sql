{#- One row per marketing consent record: a customer's opt_in or opt_out on a
    channel, recorded at a time (UTC). Channel and status are trimmed and
    lower-cased; rows that cannot be used are in quarantined_consents with
    their reason (the checks are in base_raw__consents), and the records of
    customers who asked to be forgotten are left out. Exact duplicate rows are
    kept once. Empty when there is no consent source: then nobody is consenting. -#}

with

consents as (

    select * from {{ ref('base_raw__consents') }}

),

final as (

    select distinct
        customer_id,
        channel,
        consent_status,
        recorded_at

    from consents
    where quarantine_reason is null

)

select * from final
