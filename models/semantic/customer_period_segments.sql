{#- One row per customer and completed history period: customer_segment_history
    turned from one row per dimension into one column per dimension (the list of
    macro segment_dimensions), with the customer's revenue and their weight in
    that period's population, so MetricFlow can count customers and revenue by
    period and segment without counting a customer once per dimension. -#}
{%- set dimensions = segment_dimensions() -%}

with

history as (

    select * from {{ ref('customer_segment_history') }}

),

customer_periods as (

    select
        period_start,
        period_end,
        customer_id,
        {%- for dimension in dimensions %}
        max(case when dimension = '{{ dimension }}' then segment end) as {{ dimension }},
        {%- endfor %}
        max(period_net_revenue) as period_net_revenue,
        max(lifetime_net_revenue) as lifetime_net_revenue

    from history
    group by period_start, period_end, customer_id

),

populations as (

    select
        period_end,
        count(*) as customers

    from customer_periods
    group by period_end

),

final as (

    select
        ----------  ids
        customer_periods.customer_id,

        ----------  segments at the end of the period
        {%- for dimension in dimensions %}
        customer_periods.{{ dimension }},
        {%- endfor %}

        ----------  numerics
        cast(case when customer_periods.purchase_behavior = 'prospect' then 0 else 1 end as {{ dbt.type_int() }})
            as is_buyer,
        cast(customer_periods.period_net_revenue as {{ type_money() }}) as period_net_revenue,
        cast(customer_periods.lifetime_net_revenue as {{ type_money() }}) as lifetime_net_revenue,
        cast(1 as {{ type_double() }}) / populations.customers as population_weight,

        ----------  dates
        customer_periods.period_start,
        customer_periods.period_end

    from customer_periods
    inner join populations
        on customer_periods.period_end = populations.period_end

)

select * from final
