{#- One row per as-of date: the BG/NBD parameters (r, alpha, a, b) fitted by
    maximum likelihood on the buyers of int_clv_customers (macro bgnbd_fit: a
    damped Newton search in SQL, clv_fit_iterations steps), or the values
    pinned by the var clv_pinned_parameters with their log-likelihood. -#}
{{ config(pre_hook=long_query_hooks(), post_hook=long_query_reset_hooks()) }}

with

customers as (

    select * from {{ ref('int_clv_customers') }}

),

{{ clv_model_fit('bgnbd', 'customers') }}

select * from final
