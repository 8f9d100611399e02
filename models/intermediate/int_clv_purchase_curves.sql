{#- One row per as-of date, frequency and btyd_t among buyers: the BG/NBD
    expected number of purchases of a customer who is alive, over the horizon
    clv_horizon_days and in steps of clv_discount_step_days (discounted at
    clv_annual_discount_rate). A customer's expected purchases are this times
    P(alive) (customer_lifetime_value). With z = t / (alpha + T + t):
        g(t) = (a+b+x-1) / (a-1) * [1 - (1-z)^(a-1) * 2F1(a+b-1-r, a-1; a+b+x-1; z)]
    (lifetimes' conditional_expected_number_of_purchases_up_to_time in its
    Euler-transformed form, which converges fastest). Gauss's series 2F1 is
    summed term by term; past term K every term ratio is at most rho < 1 in
    absolute value, so the tail after the last term n is at most
    |term_n| * rho / (1 - rho): series_tail_bound, which a test holds under
    1e-10. -#}
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

integers as (

    {{ integer_series(10000) }}

),

customer_shapes as (

    select distinct
        as_of_date,
        frequency,
        btyd_t

    from customers

),

series as (

    select
        customer_shapes.as_of_date,
        customer_shapes.frequency,
        customer_shapes.btyd_t,
        horizon_steps.step_number,
        horizon_steps.horizon_days,
        parameters.a,
        parameters.b,
        parameters.a + parameters.b - 1 - parameters.r as hyp_a,
        parameters.a - 1 as hyp_b,
        parameters.a + parameters.b + customer_shapes.frequency - 1 as hyp_c,
        horizon_steps.horizon_days
        / (parameters.alpha + customer_shapes.btyd_t + horizon_steps.horizon_days) as z

    from customer_shapes
    inner join parameters
        on customer_shapes.as_of_date = parameters.as_of_date
    cross join horizon_steps

),

-- past term k0 the factors a+k, b+k, c+k are positive and |ratio| <= rho < 1
series_bounds as (

    select
        *,
        z * greatest(1.0, (hyp_b + k0) / (k0 + 1)) as rho

    from (
        select
            *,
            greatest(
                0,
                ceil(-hyp_a),
                ceil(-hyp_b),
                ceil(-hyp_c),
                ceil((z * hyp_b - 1) / (1 - z)) + 1
            ) as k0
        from series
    ) as with_k0

),

series_lengths as (

    select
        *,
        least(10000, k0 + 1 + ceil(ln(1e-15 * (1 - rho)) / ln(rho))) as term_count

    from series_bounds

),

term_ratios as (

    select
        series_lengths.*,
        integers.n,
        series_lengths.z
        * (series_lengths.hyp_a + integers.n)
        * (series_lengths.hyp_b + integers.n)
        / ((series_lengths.hyp_c + integers.n) * (integers.n + 1)) as ratio

    from series_lengths
    inner join integers
        on series_lengths.term_count > integers.n

),

terms as (

    select
        *,
        coalesce(sum(ln(greatest(abs(ratio), 1e-300))) over (
            partition by as_of_date, frequency, btyd_t, step_number
            order by n rows between unbounded preceding and 1 preceding
        ), 0) as log_abs_term,
        coalesce(sum(case when ratio < 0 then 1 else 0 end) over (
            partition by as_of_date, frequency, btyd_t, step_number
            order by n rows between unbounded preceding and 1 preceding
        ), 0) as negative_factors

    from term_ratios

),

hypergeometric as (

    select
        as_of_date,
        frequency,
        btyd_t,
        step_number,
        max(horizon_days) as horizon_days,
        max(a) as a,
        max(b) as b,
        max(z) as z,
        max(term_count) as term_count,
        sum(
            case when mod(negative_factors, 2) = 1 then -1 else 1 end
            * exp(greatest(-700.0, log_abs_term))
        ) as hypergeometric,
        max(case when n = term_count - 1 then exp(greatest(-700.0, log_abs_term)) * rho / (1 - rho) end)
            as series_tail_bound

    from terms
    group by as_of_date, frequency, btyd_t, step_number

),

curve as (

    select
        *,
        (a + b + frequency - 1) / (a - 1)
        * (1 - exp((a - 1) * ln(1 - z)) * hypergeometric) as purchases_if_alive

    from hypergeometric

),

discounted as (

    select
        *,
        (purchases_if_alive - coalesce(lag(purchases_if_alive) over (
            partition by as_of_date, frequency, btyd_t order by step_number
        ), 0))
        / power(1 + {{ var('clv_annual_discount_rate') }}, horizon_days / 365.0) as discounted_step_purchases

    from curve

),

final as (

    select
        as_of_date,
        frequency,
        btyd_t,
        max(horizon_days) as clv_horizon_days,
        max(case when step_number = {{ steps }} then purchases_if_alive end) as expected_purchases_if_alive,
        sum(discounted_step_purchases) as discounted_purchases_if_alive,
        max(term_count) as series_terms,
        max(series_tail_bound) as series_tail_bound

    from discounted
    group by as_of_date, frequency, btyd_t

)

select * from final
