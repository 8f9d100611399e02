{#- The common table expressions `observations` and `final` of a CLV fit
    model (int_clv_bgnbd_fit, int_clv_gamma_gamma_fit) over the relation
    `customers` (one row per buyer): `final` holds the parameters at the
    maximum-likelihood fit (clv_fit_iterations steps) or, when the var
    clv_pinned_parameters is set, the pinned values with their
    log-likelihood (a search of 0 steps from them).

    model  'bgnbd' or 'gamma_gamma' -#}
{% macro clv_model_fit(model, customers) -%}
    {%- set parameters = {'bgnbd': ['r', 'alpha', 'a', 'b'], 'gamma_gamma': ['p', 'q', 'v']}[model] -%}
    {%- set pinned = var('clv_pinned_parameters') -%}
observations as (

    {{ bgnbd_observations(customers, keys=['as_of_date']) if model == 'bgnbd'
        else gamma_gamma_observations(customers, keys=['as_of_date']) }}

),

{%- if pinned %}

pinned as (

    select distinct
        as_of_date,
        {%- for p in parameters %}
        ln({{ pinned[p] }}) as log_{{ p }}{{ ',' if not loop.last }}
        {%- endfor %}
    from observations

),

final as (

    {{ maximize_log_likelihood('observations', parameters,
        bgnbd_log_likelihood() if model == 'bgnbd' else gamma_gamma_log_likelihood(),
        'pinned', ['as_of_date'], 0) }}

)

{%- elif model == 'bgnbd' %}

final as (

    {{ bgnbd_fit('observations', keys=['as_of_date'], iterations=var('clv_fit_iterations')) }}

)

{%- else %}

final as (

    {{ gamma_gamma_fit('observations', keys=['as_of_date'], iterations=var('clv_fit_iterations')) }}

)

{%- endif %}
{%- endmacro %}
