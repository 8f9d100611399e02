{#- BG/NBD (Fader, Hardie and Lee 2005) in SQL: the fit, P(alive) and the
    expected number of purchases, with the time unit of the data (days here,
    like the btyd_* columns of customer_facts).

    bgnbd_observations(customers, keys): the fit's data, from a relation with
    one row per buyer and the columns frequency (repeat purchase days x),
    recency (t_x) and btyd_t (T). A buyer's log-likelihood is
        ln Γ(r+x) - ln Γ(r) + ln B(a, b+x) - ln B(a, b) + r ln α
        + ln[ (α+T)^-(r+x) + [x > 0] a / (b+x-1) (α+t_x)^-(r+x) ]
    With integer x the gamma and beta ratios are finite sums,
        Σ_{k<x} ln(r+k) + ln(b+k) - ln(a+b+k),
    so no log-gamma is needed. Summed over buyers, the term of k counts once
    per buyer with x > k. The rows are therefore:
        part 1, one per k < max x: weight = buyers with x > k;
        part 2, one per distinct (x, t_x, T): weight = buyers.
    Both carry all columns (unused ones 0). -#}
{% macro bgnbd_observations(customers, keys=[]) -%}
    {%- set key_columns = keys | join(', ') ~ (', ' if keys else '') -%}
    select
        {{ key_columns }}
        1 as part,
        integers.n as k,
        cast(0 as {{ dbt.type_bigint() }}) as frequency,
        cast(0 as {{ type_double() }}) as recency,
        cast(0 as {{ type_double() }}) as btyd_t,
        sum(frequencies.buyers) as weight
    from (
        select {{ key_columns }} frequency, count(*) as buyers
        from {{ customers }}
        group by {{ key_columns }} frequency
    ) as frequencies
    inner join ({{ integer_series(10000, below='select max(frequency) from ' ~ customers) }}) as integers
        on integers.n < frequencies.frequency
    group by {{ key_columns }} integers.n

    union all

    select
        {{ key_columns }}
        2 as part,
        0 as k,
        cast(frequency as {{ dbt.type_bigint() }}) as frequency,
        cast(recency as {{ type_double() }}) as recency,
        cast(btyd_t as {{ type_double() }}) as btyd_t,
        count(*) as weight
    from {{ customers }}
    group by {{ key_columns }} frequency, recency, btyd_t
{%- endmacro %}

{#- One observation row's BG/NBD log-likelihood (see bgnbd_observations); the
    part 2 term is a log-sum-exp of the two ways to see no purchase after t_x:
    alive through T, or dropped out right after t_x. -#}
{% macro bgnbd_log_likelihood() -%}
    {{ return([
        [
            ('part', 'data.part'),
            ('gamma_beta', 'ln(trial.r + data.k) + ln(trial.b + data.k) - ln(trial.a + trial.b + data.k)'),
            ('survive', 'trial.r * ln(trial.alpha) - (trial.r + data.frequency) * ln(trial.alpha + data.btyd_t)'),
            ('drop_out', 'case when data.frequency > 0 then trial.r * ln(trial.alpha) + ln(trial.a)'
                ~ ' - ln(trial.b + data.frequency - 1) - (trial.r + data.frequency) * ln(trial.alpha + data.recency) end'),
        ],
        [
            ('ll', 'case when part = 1 then gamma_beta when drop_out is null then survive'
                ~ ' else greatest(survive, drop_out) + ln(1 + exp(greatest(-700.0, -abs(survive - drop_out)))) end'),
        ],
    ]) }}
{%- endmacro %}
{#- The fit: one row (per key) with r, alpha, a, b, log_likelihood,
    gradient_max_abs and iterations. The search starts where lifetimes starts
    (every parameter 1 once time is scaled so the longest btyd_t is 10):
    r = a = b = 1 and alpha = max(btyd_t) / 10. -#}
{% macro bgnbd_fit(observations, keys=[], iterations=24) -%}
    {%- set key_columns = keys | join(', ') ~ (', ' if keys else '') -%}
    {%- set start -%}
        (select
            {{ key_columns }}
            cast(0 as {{ type_double() }}) as log_r,
            ln(greatest(max(btyd_t), 1) / 10.0) as log_alpha,
            cast(0 as {{ type_double() }}) as log_a,
            cast(0 as {{ type_double() }}) as log_b
        from {{ observations }}
        {%- if keys %}
        group by {{ keys | join(', ') }}
        {%- endif %})
    {%- endset -%}
    {{ maximize_log_likelihood(observations, ['r', 'alpha', 'a', 'b'], bgnbd_log_likelihood(), start, keys, iterations) }}
{%- endmacro %}

{#- P(alive) of a buyer: 1 with no repeat purchase, else
        1 / (1 + a / (b+x-1) * ((α+T) / (α+t_x))^(r+x))
    computed in logs (the power overflows a double for heavy buyers). -#}
{% macro bgnbd_p_alive(frequency, recency, btyd_t, p='parameters.') -%}
    case
        when {{ frequency }} = 0 then 1.0
        else 1.0 / (1.0 + exp(least(700.0,
            ln({{ p }}a) - ln({{ p }}b + {{ frequency }} - 1)
            + ({{ p }}r + {{ frequency }}) * (ln({{ p }}alpha + {{ btyd_t }}) - ln({{ p }}alpha + {{ recency }}))
        )))
    end
{%- endmacro %}
