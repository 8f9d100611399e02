{#- One row per buyer on the as-of date: P(alive) and expected purchases over
    the next clv_horizon_days (BG/NBD), the expected order value (Gamma-Gamma)
    and the predicted, discounted lifetime value, at the parameters of
    clv_model_parameters. Formulas: macros/clv and int_clv_purchase_curves. -#}

with

customers as (

    select * from {{ ref('int_clv_customers') }}

),

parameters as (

    select * from {{ ref('int_clv_model_fits') }}

),

curves as (

    select * from {{ ref('int_clv_purchase_curves') }}

),

scored as (

    select
        customers.customer_id,
        customers.as_of_date,
        customers.frequency,
        customers.monetary_value,
        curves.clv_horizon_days,
        curves.expected_purchases_if_alive,
        curves.discounted_purchases_if_alive,
        {{ bgnbd_p_alive('customers.frequency', 'customers.recency', 'customers.btyd_t') }} as p_alive,
        {{ gamma_gamma_expected_order_value('customers.frequency', 'customers.monetary_value') }}
            as expected_average_order_value

    from customers
    inner join parameters
        on customers.as_of_date = parameters.as_of_date
    inner join curves
        on
            customers.as_of_date = curves.as_of_date
            and customers.frequency = curves.frequency
            and customers.btyd_t = curves.btyd_t

),

final as (

    select
        customer_id,
        cast(p_alive as {{ type_double() }}) as p_alive,
        cast(p_alive * expected_purchases_if_alive as {{ type_double() }}) as expected_purchases,
        cast(expected_average_order_value as {{ type_double() }}) as expected_average_order_value,
        cast(p_alive * discounted_purchases_if_alive * expected_average_order_value as {{ type_double() }})
            as predicted_clv,
        cast(clv_horizon_days as {{ dbt.type_int() }}) as clv_horizon_days,
        as_of_date

    from scored

)

select * from final
