{#- One row per as-of date, frequency and btyd_t among buyers: the BG/NBD
    expected number of purchases of a customer who is alive, over the horizon
    clv_horizon_days and in steps of clv_discount_step_days (discounted at
    clv_annual_discount_rate). A customer's expected purchases are this times
    P(alive). With z = t / (alpha + T + t), lifetimes'
    conditional_expected_number_of_purchases_up_to_time is
        g(t) = (a+b+x-1) / (a-1) * [1 - (1-z)^(r+x) * 2F1(r+x, b+x; a+b+x-1; z)]
             = (a+b+x-1) / (a-1) * [1 - (1-z)^(a-1) * 2F1(a+b-1-r, a-1; a+b+x-1; z)]
    (Euler's transformation). Each row sums, term by term, the form whose
    series needs fewer terms (int_clv_series_plans); past term k0 every term
    ratio is at most rho < 1 in absolute value, so the tail after the last
    term n is at most |term_n| * rho / (1 - rho): series_tail_bound, which a
    test warns about over 1e-10. -#}
{{ config(pre_hook=long_query_hooks(), post_hook=long_query_reset_hooks()) }}
{%- set steps = (var('clv_horizon_days') / var('clv_discount_step_days')) | round(0, 'ceil') | int -%}

with

series_lengths as (

    select * from {{ ref('int_clv_series_plans') }}

),

integers as (

    {{ integer_series(10000, below='select max(term_count) from series_lengths') }}

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
        max(tail_exponent) as tail_exponent,
        max(term_count) as term_count,
        sum(
            case when mod(negative_factors, 2) = 1 then -1 else 1 end
            * exp(greatest(-700.0, log_abs_term))
        ) as hypergeometric,
        max(case
            when n = term_count - 1 and n >= k0 then exp(greatest(-700.0, log_abs_term)) * rho / (1 - rho)
            when n = term_count - 1 then 1e300
        end) as series_tail_bound

    from terms
    group by as_of_date, frequency, btyd_t, step_number

),

curve as (

    select
        *,
        (a + b + frequency - 1) / nullif(a - 1, 0)
        * (1 - exp(tail_exponent * ln(1 - z)) * hypergeometric) as purchases_if_alive

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
