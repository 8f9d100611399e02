{#- One row per as-of date, frequency and btyd_t among buyers: the BG/NBD
    expected number of purchases of a customer who is alive, over the horizon
    clv_horizon_days and in steps of clv_discount_step_days (discounted at
    clv_annual_discount_rate). A customer's expected purchases are this times
    P(alive). With z = t / (alpha + T + t), lifetimes'
    conditional_expected_number_of_purchases_up_to_time is
        g(t) = (a+b+x-1) / (a-1) * [1 - (1-z)^(r+x) * 2F1(r+x, b+x; a+b+x-1; z)]
             = (a+b+x-1) / (a-1) * [1 - (1-z)^(a-1) * 2F1(a+b-1-r, a-1; a+b+x-1; z)]
    (Euler's transformation). Each row sums the form whose series needs fewer
    terms, term by term; past term k0 every term ratio is at most rho < 1 in
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
