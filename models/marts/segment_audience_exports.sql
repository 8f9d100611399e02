{#- Segment audiences ready for activation: one row per customer, segment
    membership (customer x dimension of segment_memberships) and channel on
    which the customer consents at the end of the as-of date
    (int_customer_channel_consents). A customer consenting on no channel has
    no row. On the email channel the customer's email is given as its salted
    hash (int_customer_emails_hashed); the email itself is never published. -#}
-- enabled only with a salt (macro activation_salt_is_set); skipped with a warning otherwise
{{ config(enabled=activation_salt_is_set()) }}

with

memberships as (

    select * from {{ ref('segment_memberships') }}

),

channel_consents as (

    select * from {{ ref('int_customer_channel_consents') }}

),

email_hashes as (

    select * from {{ ref('int_customer_emails_hashed') }}

),

consenting as (

    select
        customer_id,
        channel,
        consent_recorded_at

    from channel_consents
    where is_consenting

),

final as (

    select
        ----------  ids
        memberships.customer_id,

        ----------  segment
        memberships.dimension,
        memberships.segment,

        ----------  channel and consent
        consenting.channel,
        consenting.consent_recorded_at,

        ----------  activation identifier (a salted hash, never the email)
        case when consenting.channel = 'email' then email_hashes.email_hash end as email_hash,

        ----------  dates
        memberships.as_of_date

    from memberships
    inner join consenting
        on memberships.customer_id = consenting.customer_id
    left join email_hashes
        on memberships.customer_id = email_hashes.customer_id

)

select * from final
