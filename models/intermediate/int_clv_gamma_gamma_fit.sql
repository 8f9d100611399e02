{#- One row per as-of date: the Gamma-Gamma parameters (p, q, v) fitted by
    maximum likelihood on the repeat buyers of int_clv_customers with a
    positive monetary value (macro gamma_gamma_fit), or the values pinned by
    the var clv_pinned_parameters with their log-likelihood. -#}
{{ config(pre_hook=long_query_hooks(), post_hook=long_query_reset_hooks()) }}

with

customers as (

    select * from {{ ref('int_clv_customers') }}

),

{{ clv_model_fit('gamma_gamma', 'customers') }}

select * from final
