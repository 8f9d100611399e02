{#- One row per abandoned cart whose last cart event falls in the last
    cart_abandonment_lookback_days UTC days up to the as-of date (carts and
    the abandonment rule: int_carts_assembled, int_carts_abandoned). Only
    customers consenting on the channel cart_abandonment_channel at the end of
    the as-of date are listed (int_customer_channel_consents); their email is
    published only as its salted hash (int_customer_emails_hashed). -#}
-- enabled only with a salt (macro activation_salt_is_set); skipped with a warning otherwise
{{ config(enabled=activation_salt_is_set()) }}
{%- set channel = cart_abandonment_channel() -%}

with

abandoned_carts as (

    select * from {{ ref('int_carts_abandoned') }}

),

channel_consents as (

    select * from {{ ref('int_customer_channel_consents') }}

),

email_hashes as (

    select * from {{ ref('int_customer_emails_hashed') }}

),

-- customers who may be contacted on the audience's channel as of the as-of date
consenting_customers as (

    select customer_id
    from channel_consents
    where channel = '{{ channel }}' and is_consenting

),

final as (

    select
        ----------  ids
        abandoned_carts.cart_id,
        abandoned_carts.customer_id,

        ----------  timestamps
        abandoned_carts.cart_started_at,
        abandoned_carts.cart_last_activity_at,

        ----------  cart contents
        cast(abandoned_carts.cart_event_count as {{ dbt.type_bigint() }}) as cart_event_count,
        abandoned_carts.reached_checkout,
        cast(abandoned_carts.products as {{ dbt.type_bigint() }}) as products,
        abandoned_carts.top_category,

        ----------  recency (fractional hours from the last cart event to the end of the as-of date)
        abandoned_carts.hours_since_last_activity,

        ----------  dates
        abandoned_carts.as_of_date,

        ----------  activation identifier (a salted hash, never the email)
        email_hashes.email_hash

    from abandoned_carts
    inner join consenting_customers
        on abandoned_carts.customer_id = consenting_customers.customer_id
    left join email_hashes
        on abandoned_carts.customer_id = email_hashes.customer_id

)

select * from final
