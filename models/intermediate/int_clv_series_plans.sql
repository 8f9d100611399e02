{#- One row per as-of date, frequency, btyd_t and horizon step among buyers:
    how int_clv_purchase_curves sums Gauss's hypergeometric series 2F1 for
    the BG/NBD expected purchases at that step's horizon. Of lifetimes' form
    2F1(r+x, b+x; a+b+x-1; z) and Euler's 2F1(a+b-1-r, a-1; a+b+x-1; z), the
    row keeps the one that needs fewer terms: its parameters (hyp_a, hyp_b,
    hyp_c, z), the exponent of (1-z) in front of it, the term k0 past which
    every term ratio is at most rho < 1 in absolute value, and term_count,
    the terms needed for a tail under 1e-15 (at most 10,000). -#}
{{ config(pre_hook=long_query_hooks(), post_hook=long_query_reset_hooks()) }}
{%- set horizon = var('clv_horizon_days') -%}
{%- set step = var('clv_discount_step_days') -%}
{%- set steps = (horizon / step) | round(0, 'ceil') | int -%}

with

customers as (

    select * from {{ ref('int_clv_customers') }}

),

parameters as (

    select * from {{ ref('int_clv_model_fits') }}

),

horizon_steps as (

    select
        n + 1 as step_number,
        least((n + 1) * {{ step }}, {{ horizon }}) as horizon_days

    from ({{ integer_series(steps) }}) as step_numbers

),

customer_shapes as (

    select distinct
        as_of_date,
        frequency,
        btyd_t

    from customers

),

series as (

    -- form 1 is lifetimes' series, form 2 its Euler transform; each row keeps
    -- the one that needs fewer terms
    {%- for form in [1, 2] %}
    select
        customer_shapes.as_of_date,
        customer_shapes.frequency,
        customer_shapes.btyd_t,
        horizon_steps.step_number,
        horizon_steps.horizon_days,
        {{ form }} as series_form,
        parameters.a,
        parameters.b,
        {%- if form == 1 %}
        parameters.r + customer_shapes.frequency as hyp_a,
        parameters.b + customer_shapes.frequency as hyp_b,
        parameters.r + customer_shapes.frequency as tail_exponent,
        {%- else %}
        parameters.a + parameters.b - 1 - parameters.r as hyp_a,
        parameters.a - 1 as hyp_b,
        parameters.a - 1 as tail_exponent,
        {%- endif %}
        parameters.a + parameters.b + customer_shapes.frequency - 1 as hyp_c,
        horizon_steps.horizon_days
        / (parameters.alpha + customer_shapes.btyd_t + horizon_steps.horizon_days) as z

    from customer_shapes
    inner join parameters
        on customer_shapes.as_of_date = parameters.as_of_date
    cross join horizon_steps
    {{ 'union all' if loop.first }}
    {%- endfor %}

),

-- From term k0 on, a+k, b+k and c+k are positive and |ratio_k| <= rho < 1:
-- ratio_k = z (a+k)(b+k) / ((c+k)(k+1)) pairs its factors as (a+k)/(c+k) and
-- (b+k)/(k+1) (pairing 1) or (b+k)/(c+k) and (a+k)/(k+1) (pairing 2); each
-- factor moves monotonically towards 1, so past the k where it is at most
-- s = z^(-1/3) it stays there, and rho <= z^(1/3).
series_bounds as (

    select
        *,
        case
            when k_pairing_1 <= k_pairing_2
                then z * greatest(1.0, (hyp_a + k_pairing_1) / (hyp_c + k_pairing_1))
                    * greatest(1.0, (hyp_b + k_pairing_1) / (k_pairing_1 + 1))
            else z * greatest(1.0, (hyp_b + k_pairing_2) / (hyp_c + k_pairing_2))
                * greatest(1.0, (hyp_a + k_pairing_2) / (k_pairing_2 + 1))
        end as rho,
        least(k_pairing_1, k_pairing_2) as k0

    from (
        select
            *,
            greatest(
                0, ceil(-hyp_a), ceil(-hyp_b), ceil(-hyp_c),
                ceil((hyp_a - s * hyp_c) / (s - 1)), ceil((hyp_b - s) / (s - 1))
            ) as k_pairing_1,
            greatest(
                0, ceil(-hyp_a), ceil(-hyp_b), ceil(-hyp_c),
                ceil((hyp_b - s * hyp_c) / (s - 1)), ceil((hyp_a - s) / (s - 1))
            ) as k_pairing_2
        from (
            select
                *,
                power(z, -1.0 / 3) as s
            from series
        ) as with_s
    ) as with_k0

),

series_lengths as (

    select *
    from (
        select
            *,
            row_number() over (
                partition by as_of_date, frequency, btyd_t, step_number
                order by term_count, series_form
            ) as form_rank
        from (
            select
                *,
                least(10000, k0 + 1 + ceil(ln(1e-15 * (1 - rho)) / ln(rho))) as term_count
            from series_bounds
        ) as counted
    ) as ranked
    where form_rank = 1

),

final as (

    select
        as_of_date,
        frequency,
        btyd_t,
        step_number,
        horizon_days,
        series_form,
        a,
        b,
        hyp_a,
        hyp_b,
        hyp_c,
        tail_exponent,
        z,
        k0,
        rho,
        term_count

    from series_lengths

)

select * from final
