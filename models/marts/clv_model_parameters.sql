{#- One row per build: the BG/NBD and Gamma-Gamma parameters behind
    customer_lifetime_value, fitted inside the warehouse by maximum likelihood
    (int_clv_model_fits) or pinned by the var clv_pinned_parameters. -#}

with

fits as (

    select * from {{ ref('int_clv_model_fits') }}

),

final as (

    select
        ----------  when and how
        as_of_date,
        cast('day' as {{ dbt.type_string() }}) as time_unit,
        parameter_source,

        ----------  BG/NBD: purchases while alive, and dropping out
        cast(r as {{ type_double() }}) as r,
        cast(alpha as {{ type_double() }}) as alpha,
        cast(a as {{ type_double() }}) as a,
        cast(b as {{ type_double() }}) as b,
        cast(bgnbd_log_likelihood as {{ type_double() }}) as bgnbd_log_likelihood,
        cast(bgnbd_gradient_max_abs as {{ type_double() }}) as bgnbd_gradient_max_abs,

        ----------  Gamma-Gamma: spend per purchase
        cast(p as {{ type_double() }}) as p,
        cast(q as {{ type_double() }}) as q,
        cast(v as {{ type_double() }}) as v,
        cast(gamma_gamma_log_likelihood as {{ type_double() }}) as gamma_gamma_log_likelihood,
        cast(gamma_gamma_gradient_max_abs as {{ type_double() }}) as gamma_gamma_gradient_max_abs,

        ----------  what was fitted
        cast(customers as {{ dbt.type_bigint() }}) as customers,
        cast(repeat_customers as {{ dbt.type_bigint() }}) as repeat_customers,
        cast(gamma_gamma_customers as {{ dbt.type_bigint() }}) as gamma_gamma_customers,
        cast(fit_iterations as {{ dbt.type_int() }}) as fit_iterations

    from fits

)

select * from final
