{#- One row per customer known on the as-of date: what they bought, when, how
    often, how much, and how they engage. Purchases are orders that were not
    fully refunded; revenue is net of refunds recorded by the as-of date. The
    customer's features at the current as-of date (int_customer_features). -#}

with

features as (

    select * from {{ ref('int_customer_features') }}

),

as_of as (

    select * from {{ ref('int_as_of_date') }}

),

joined as (

    select features.*
    from features
    inner join as_of
        on features.as_of_date = as_of.as_of_date

),

final as (

    select
        ----------  ids
        customer_id,

        ----------  attributes
        country,
        acquisition_channel,
        is_from_customer_source,
        order_count > 0 as is_buyer,

        ----------  order counts
        cast(order_count as {{ dbt.type_bigint() }}) as order_count,
        cast(refunded_order_count as {{ dbt.type_bigint() }}) as refunded_order_count,
        cast(discounted_order_count as {{ dbt.type_bigint() }}) as discounted_order_count,
        cast(distinct_purchase_days as {{ dbt.type_bigint() }}) as distinct_purchase_days,

        ----------  revenue
        cast(gross_revenue as {{ type_money() }}) as gross_revenue,
        cast(refunded_revenue as {{ type_money() }}) as refunded_revenue,
        cast(net_revenue as {{ type_money() }}) as net_revenue,
        cast(discount_amount as {{ type_money() }}) as discount_amount,
        average_order_value,

        ----------  time
        {{ days_between('first_known_on', 'as_of_date') }} as tenure_days,
        days_since_last_order,
        mean_days_between_purchases,

        ----------  buy-till-you-die summary (lifetimes, freq='D')
        {{ btyd_summary_columns() }},

        ----------  engagement
        cast(event_count as {{ dbt.type_bigint() }}) as event_count,
        cast(session_count as {{ dbt.type_bigint() }}) as session_count,
        cast(active_days as {{ dbt.type_bigint() }}) as active_days,
        cast(page_view_count as {{ dbt.type_bigint() }}) as page_view_count,
        cast(product_view_count as {{ dbt.type_bigint() }}) as product_view_count,
        cast(add_to_cart_count as {{ dbt.type_bigint() }}) as add_to_cart_count,
        cast(checkout_count as {{ dbt.type_bigint() }}) as checkout_count,
        cast(email_sent_count as {{ dbt.type_bigint() }}) as email_sent_count,
        cast(email_open_count as {{ dbt.type_bigint() }}) as email_open_count,
        cast(email_click_count as {{ dbt.type_bigint() }}) as email_click_count,
        cast(app_open_count as {{ dbt.type_bigint() }}) as app_open_count,
        cast(review_count as {{ dbt.type_bigint() }}) as review_count,
        cast(referral_count as {{ dbt.type_bigint() }}) as referral_count,

        ----------  timestamps
        signed_up_at,
        first_seen_at,
        last_seen_at,
        first_order_at,
        last_order_at,
        as_of_date

    from joined

)

select * from final
