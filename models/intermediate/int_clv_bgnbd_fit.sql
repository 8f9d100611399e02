{#- One row per as-of date: the BG/NBD parameters (r, alpha, a, b) fitted by
    maximum likelihood on the buyers of int_clv_customers (macro bgnbd_fit: a
    damped Newton search in SQL, clv_fit_iterations steps), or the values
    pinned by the var clv_pinned_parameters with their log-likelihood. -#}
{{ config(pre_hook=long_query_hooks(), post_hook=long_query_reset_hooks()) }}
{%- set pinned = var('clv_pinned_parameters') %}

with

customers as (

    select * from {{ ref('int_clv_customers') }}

),

observations as (

    {{ bgnbd_observations('customers', keys=['as_of_date']) }}

),

{%- if pinned %}

pinned as (

    select distinct
        as_of_date,
        ln({{ pinned['r'] }}) as log_r,
        ln({{ pinned['alpha'] }}) as log_alpha,
        ln({{ pinned['a'] }}) as log_a,
        ln({{ pinned['b'] }}) as log_b
    from observations

),

final as (

    {{ maximize_log_likelihood('observations', ['r', 'alpha', 'a', 'b'], bgnbd_log_likelihood(),
        'pinned', ['as_of_date'], 0) }}

)

{%- else %}

final as (

    {{ bgnbd_fit('observations', keys=['as_of_date'], iterations=var('clv_fit_iterations')) }}

)

{%- endif %}

select * from final
