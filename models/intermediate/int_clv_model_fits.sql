{#- One row per as-of date: the BG/NBD and Gamma-Gamma parameters
    (int_clv_bgnbd_fit, int_clv_gamma_gamma_fit; two models so engines plan
    and run the two searches apart) with the customers each fit used. -#}
{%- set pinned = var('clv_pinned_parameters') %}

with

customers as (

    select * from {{ ref('int_clv_customers') }}

),

bgnbd as (

    select * from {{ ref('int_clv_bgnbd_fit') }}

),

gamma_gamma as (

    select * from {{ ref('int_clv_gamma_gamma_fit') }}

),

customer_counts as (

    select
        as_of_date,
        count(*) as customers,
        sum(case when frequency > 0 then 1 else 0 end) as repeat_customers,
        sum(case when frequency > 0 and monetary_value > 0 then 1 else 0 end) as gamma_gamma_customers

    from customers
    group by as_of_date

),

final as (

    select
        customer_counts.as_of_date,
        cast('{{ 'pinned' if pinned else 'fitted' }}' as {{ dbt.type_string() }}) as parameter_source,
        bgnbd.r,
        bgnbd.alpha,
        bgnbd.a,
        bgnbd.b,
        bgnbd.log_likelihood as bgnbd_log_likelihood,
        bgnbd.gradient_max_abs as bgnbd_gradient_max_abs,
        gamma_gamma.p,
        gamma_gamma.q,
        gamma_gamma.v,
        gamma_gamma.log_likelihood as gamma_gamma_log_likelihood,
        gamma_gamma.gradient_max_abs as gamma_gamma_gradient_max_abs,
        customer_counts.customers,
        customer_counts.repeat_customers,
        customer_counts.gamma_gamma_customers,
        bgnbd.iterations as fit_iterations

    from customer_counts
    left join bgnbd
        on customer_counts.as_of_date = bgnbd.as_of_date
    left join gamma_gamma
        on customer_counts.as_of_date = gamma_gamma.as_of_date

)

select * from final
