{#- One row per dimension and segment: how many customers, what they are worth
    and how they behave, as of the as-of date. Rates are ratios of sums over the
    segment's customers (NULL when the denominator is 0). -#}

with

memberships as (

    select * from {{ ref('segment_memberships') }}

),

features as (

    select * from {{ ref('int_customer_features') }}

),

as_of as (

    select * from {{ ref('int_as_of_date') }}

),

customer_kpis as (

    select
        features.customer_id,
        features.order_count,
        features.net_revenue,
        features.email_sent_count,
        features.email_open_count,
        features.email_click_count,
        features.session_count,
        features.converted_session_count,
        case when features.order_count > 0 then 1 else 0 end as is_buyer,
        case when features.order_count > 1 then 1 else 0 end as is_repeat_buyer,
        case when features.purchased_in_previous_window then 1 else 0 end as was_active_before,
        case when features.purchased_in_previous_window and features.purchased_in_last_window then 1 else 0 end
            as was_retained

    from features
    inner join as_of
        on features.as_of_date = as_of.as_of_date

),

population as (

    select count(*) as customers
    from customer_kpis

),

segment_totals as (

    select
        memberships.dimension,
        memberships.segment,
        min(memberships.as_of_date) as as_of_date,
        count(*) as customers,
        sum(customer_kpis.is_buyer) as buyers,
        sum(customer_kpis.order_count) as orders,
        sum(customer_kpis.net_revenue) as net_revenue,
        sum(customer_kpis.session_count) as sessions,
        sum(customer_kpis.converted_session_count) as converted_sessions,
        sum(customer_kpis.is_repeat_buyer) as repeat_buyers,
        sum(customer_kpis.was_active_before) as previously_active_buyers,
        sum(customer_kpis.was_retained) as retained_buyers,
        sum(customer_kpis.email_sent_count) as emails_sent,
        sum(customer_kpis.email_open_count) as emails_opened,
        sum(customer_kpis.email_click_count) as emails_clicked

    from memberships
    inner join customer_kpis
        on memberships.customer_id = customer_kpis.customer_id
    group by memberships.dimension, memberships.segment

),

final as (

    select
        ----------  segment
        segment_totals.dimension,
        segment_totals.segment,

        ----------  size
        cast(segment_totals.customers as {{ dbt.type_bigint() }}) as customers,
        cast(segment_totals.customers as {{ type_double() }}) / population.customers as customer_share,
        cast(segment_totals.buyers as {{ dbt.type_bigint() }}) as buyers,

        ----------  value
        cast(segment_totals.orders as {{ dbt.type_bigint() }}) as orders,
        cast(segment_totals.net_revenue as {{ type_money() }}) as net_revenue,
        {{ safe_divide('segment_totals.net_revenue', 'segment_totals.orders') }} as average_order_value,
        cast(segment_totals.net_revenue as {{ type_double() }}) / segment_totals.customers as average_clv,

        ----------  behavior
        {{ safe_divide('segment_totals.converted_sessions', 'segment_totals.sessions') }} as conversion_rate,
        {{ safe_divide('segment_totals.repeat_buyers', 'segment_totals.buyers') }} as repeat_rate,
        {{ safe_divide('segment_totals.retained_buyers', 'segment_totals.previously_active_buyers') }}
            as retention_rate,
        1 - {{ safe_divide('segment_totals.retained_buyers', 'segment_totals.previously_active_buyers') }}
            as churn_rate,
        {{ safe_divide('segment_totals.emails_opened', 'segment_totals.emails_sent') }} as email_open_rate,
        {{ safe_divide('segment_totals.emails_clicked', 'segment_totals.emails_sent') }} as email_click_rate,

        ----------  dates
        segment_totals.as_of_date

    from segment_totals
    cross join population

)

select * from final
