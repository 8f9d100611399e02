{#- One row per as-of date: the Gamma-Gamma parameters (p, q, v) fitted by
    maximum likelihood on the repeat buyers of int_clv_customers with a
    positive monetary value (macro gamma_gamma_fit), or the values pinned by
    the var clv_pinned_parameters with their log-likelihood. -#}
{{ config(pre_hook=long_query_hooks(), post_hook=long_query_reset_hooks()) }}
{%- set pinned = var('clv_pinned_parameters') %}

with

customers as (

    select * from {{ ref('int_clv_customers') }}

),

observations as (

    {{ gamma_gamma_observations('customers', keys=['as_of_date']) }}

),

{%- if pinned %}

pinned as (

    select distinct
        as_of_date,
        ln({{ pinned['p'] }}) as log_p,
        ln({{ pinned['q'] }}) as log_q,
        ln({{ pinned['v'] }}) as log_v
    from observations

),

final as (

    {{ maximize_log_likelihood('observations', ['p', 'q', 'v'], gamma_gamma_log_likelihood(),
        'pinned', ['as_of_date'], 0) }}

)

{%- else %}

final as (

    {{ gamma_gamma_fit('observations', keys=['as_of_date'], iterations=var('clv_fit_iterations')) }}

)

{%- endif %}

select * from final
