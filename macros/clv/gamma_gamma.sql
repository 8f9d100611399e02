{#- Gamma-Gamma spend model (Fader, Hardie and Lee 2005; Fader and Hardie
    2013) in SQL. Fitted on repeat buyers with a positive mean spend:
    `frequency` repeat purchases with mean value `monetary_value`.

    gamma_gamma_observations(customers, keys): distinct (frequency,
    monetary_value) with their customer counts as weight. -#}
{% macro gamma_gamma_observations(customers, keys=[]) -%}
    {%- set key_columns = keys | join(', ') ~ (', ' if keys else '') -%}
    select
        {{ key_columns }}
        frequency,
        cast(monetary_value as {{ type_double() }}) as monetary_value,
        count(*) as weight
    from {{ customers }}
    where frequency > 0 and monetary_value > 0
    group by {{ key_columns }} frequency, cast(monetary_value as {{ type_double() }})
{%- endmacro %}

{#- One observation's log-likelihood (x = frequency, m = monetary_value):
        ln Γ(px+q) - ln Γ(px) - ln Γ(q) + q ln v + (px-1) ln m + px ln x
        - (px+q) ln(xm+v) -#}
{% macro gamma_gamma_log_likelihood() -%}
    {%- set px = '(trial.p * data.frequency)' -%}
    {{ return([
        [
            ('px', px),
            ('pxq', px ~ ' + trial.q'),
            ('q', 'trial.q'),
            ('rest', 'trial.q * ln(trial.v) + (' ~ px ~ ' - 1) * ln(data.monetary_value)'
                ~ ' + ' ~ px ~ ' * ln(data.frequency)'
                ~ ' - (' ~ px ~ ' + trial.q) * ln(data.frequency * data.monetary_value + trial.v)'),
        ],
        [
            ('ll', log_gamma('pxq') ~ ' - ' ~ log_gamma('px') ~ ' - ' ~ log_gamma('q') ~ ' + rest'),
        ],
    ]) }}
{%- endmacro %}

{#- The fit: one row (per key) with p, q, v, log_likelihood,
    gradient_max_abs and iterations, from p = q = 1 and v = the mean spend. -#}
{% macro gamma_gamma_fit(observations, keys=[], iterations=16) -%}
    {%- set key_columns = keys | join(', ') ~ (', ' if keys else '') -%}
    {%- set start -%}
        (select
            {{ key_columns }}
            cast(0 as {{ type_double() }}) as log_p,
            cast(0 as {{ type_double() }}) as log_q,
            ln({{ order_independent_sum('weight * monetary_value', non_finite=0) }} / sum(weight)) as log_v
        from {{ observations }}
        {%- if keys %}
        group by {{ keys | join(', ') }}
        {%- endif %})
    {%- endset -%}
    {{ maximize_log_likelihood(observations, ['p', 'q', 'v'], gamma_gamma_log_likelihood(), start, keys, iterations) }}
{%- endmacro %}

{#- The Gamma-Gamma expected value of a customer's next purchases given x
    repeat purchases of mean value m: a weighted mean of the population mean
    v p / (q - 1) and m, with weight p x / (p x + q - 1) on m (lifetimes'
    conditional_expected_average_profit). Customers without repeat purchases
    get the population mean. NULL when q <= 1 (no finite population mean). -#}
{% macro gamma_gamma_expected_order_value(frequency, monetary_value, p='parameters.') -%}
    case
        when {{ p }}q > 1 then
            ({{ p }}q - 1) / ({{ p }}p * {{ frequency }} + {{ p }}q - 1) * {{ p }}v * {{ p }}p / ({{ p }}q - 1)
            + {{ p }}p * {{ frequency }} / ({{ p }}p * {{ frequency }} + {{ p }}q - 1) * {{ monetary_value }}
    end
{%- endmacro %}
