{#- One row per as-of date: the BG/NBD and Gamma-Gamma parameters, fitted by
    maximum likelihood inside the warehouse (macros/clv), or pinned by the var
    clv_pinned_parameters (then each model's log-likelihood is evaluated at the
    pinned values, with no search). -#}
{{ config(pre_hook="{{ long_query_hook() }}", post_hook="{{ long_query_reset_hook() }}") }}
{%- set pinned = var('clv_pinned_parameters') -%}
{%- set iterations = 0 if pinned else var('clv_fit_iterations') -%}

with

customers as (

    select * from {{ ref('int_clv_customers') }}

),

bgnbd_observations as (

    {{ bgnbd_observations('customers', keys=['as_of_date']) }}

),

gamma_gamma_observations as (

    {{ gamma_gamma_observations('customers', keys=['as_of_date']) }}

),

{%- if pinned %}

bgnbd_start as (

    select distinct
        as_of_date,
        ln({{ pinned['r'] }}) as log_r,
        ln({{ pinned['alpha'] }}) as log_alpha,
        ln({{ pinned['a'] }}) as log_a,
        ln({{ pinned['b'] }}) as log_b
    from bgnbd_observations

),

gamma_gamma_start as (

    select distinct
        as_of_date,
        ln({{ pinned['p'] }}) as log_p,
        ln({{ pinned['q'] }}) as log_q,
        ln({{ pinned['v'] }}) as log_v
    from gamma_gamma_observations

),

bgnbd as (

    {{ maximize_log_likelihood('bgnbd_observations', ['r', 'alpha', 'a', 'b'], bgnbd_log_likelihood(),
        'bgnbd_start', ['as_of_date'], 0) }}

),

gamma_gamma as (

    {{ maximize_log_likelihood('gamma_gamma_observations', ['p', 'q', 'v'], gamma_gamma_log_likelihood(),
        'gamma_gamma_start', ['as_of_date'], 0) }}

),

{%- else %}

bgnbd as (

    {{ bgnbd_fit('bgnbd_observations', keys=['as_of_date'], iterations=iterations) }}

),

gamma_gamma as (

    {{ gamma_gamma_fit('gamma_gamma_observations', keys=['as_of_date'], iterations=iterations) }}

),

{%- endif %}

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
        {{ iterations }} as fit_iterations

    from customer_counts
    left join bgnbd
        on customer_counts.as_of_date = bgnbd.as_of_date
    left join gamma_gamma
        on customer_counts.as_of_date = gamma_gamma.as_of_date

)

select * from final
