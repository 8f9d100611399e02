{#- One row per customer of stg_raw__customers with the salted hash of their
    normalised email (macro salted_hash: sha256 of activation_hash_salt followed
    by lower(trim(email)), hex), the identifier the activation marts publish
    instead of the email. NULL when the customer has no email. A table, not a
    view, so the salt is not stored in the warehouse as view text. -#}
-- enabled only with a salt (macro activation_salt_is_set); skipped with a warning otherwise
{{ config(enabled=activation_salt_is_set()) }}

with

customers as (

    select * from {{ ref('stg_raw__customers') }}

),

final as (

    select
        customer_id,
        {{ salted_hash('email') }} as email_hash

    from customers

)

select * from final
