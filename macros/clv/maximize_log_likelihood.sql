{#- Maximum likelihood inside the warehouse: a damped Newton search in SQL,
    the same on every engine (no recursion, no Python step).

    data            relation with one row per distinct observation, its `weight`
                    (customers sharing it) and the columns `log_likelihood` reads
    parameters      names of the positive parameters to fit, e.g. ['r', 'alpha']
    log_likelihood  one row's log-likelihood: a SQL expression reading the data
                    row as `data.<column>` and the trial parameters as
                    `trial.<parameter>`; or a list of stages, each a list of
                    (name, expression) pairs: the first stage reads `data.` and
                    `trial.`, each later one the columns named before it, and
                    the last one names `ll` (keeps long expressions such as
                    log_gamma of a sum from being repeated in the SQL)
    start           relation with one row (per key) holding `log_<parameter>`:
                    the starting point, in natural logs
    keys            columns of `start` and `data` that split the fit (one fit
                    per value), e.g. ['as_of_date']; [] fits all rows at once
    iterations      Newton iterations (a fixed count: the query is unrolled)

    The search runs over u = ln(parameter), so parameters stay positive; u is
    clamped to [-20, 20]. Each iteration:
    1. evaluates the log-likelihood at u and at u +- h e_i and u + h (e_i + e_j)
       (h = 1e-4): central differences give the gradient g and the Hessian H;
    2. takes the Newton step d = -H^-1 g (Cramer's rule) when H is negative
       definite (its leading principal minors alternate in sign, so d
       climbs), cut to length 2;
    3. evaluates u + lambda d for lambda = 1, 1/2, ..., 1/1024, the
       gradient scaled by the Hessian's diagonal (g_i / |H_ii|, cut to length
       1) at lambda = 1 to 1/64, the unit gradient at steps 1 to 1e-4, and u
       itself, and moves to the best (ties: the earliest in that list), so the
       log-likelihood never decreases. Away from the maximum, where H is not
       negative definite, the scaled gradient keeps the search moving.
    After the last iteration the gradient is evaluated once more at the final
    point and reported as gradient_max_abs (largest |d LL / d ln parameter|).
    Every intermediate relation is read exactly once, so engines that inline
    common table expressions (Spark) plan a chain, not a tree.

    Returns a query: keys, one column per parameter, log_likelihood,
    gradient_max_abs, iterations. -#}
{% macro maximize_log_likelihood(data, parameters, log_likelihood, start, keys=[], iterations=24) -%}
    {%- set h = 0.0001 -%}
    {%- set k = parameters | length -%}
    {%- set keys_select = keys | join(', ') ~ (', ' if keys else '') -%}
    {%- set pairs = [] -%}
    {%- for i in range(k) -%}{%- for j in range(i + 1, k) -%}{%- do pairs.append([i, j]) -%}{%- endfor -%}{%- endfor -%}
    {%- set probes = [('c', [0] * k)] -%}
    {%- for i in range(k) -%}
        {%- set plus = [] -%}{%- set minus = [] -%}
        {%- for j in range(k) -%}{%- do plus.append(1 if i == j else 0) -%}{%- do minus.append(-1 if i == j else 0) -%}{%- endfor -%}
        {%- do probes.append(('p' ~ i, plus)) -%}
        {%- do probes.append(('m' ~ i, minus)) -%}
    {%- endfor -%}
    {%- for pair in pairs -%}
        {%- set both = [] -%}
        {%- for j in range(k) -%}{%- do both.append(1 if j in pair else 0) -%}{%- endfor -%}
        {%- do probes.append(('p' ~ pair[0] ~ '_' ~ pair[1], both)) -%}
    {%- endfor -%}
    {%- set steps = [] -%}
    {%- for power in range(11) if power not in [7, 9] -%}{%- do steps.append(('newton', 0.5 ** power)) -%}{%- endfor -%}
    {%- for power in [0, 1, 2, 3, 4, 6] -%}{%- do steps.append(('diagonal', 0.5 ** power)) -%}{%- endfor -%}
    {%- for power in range(5) -%}{%- do steps.append(('gradient', 0.1 ** power)) -%}{%- endfor -%}
    {%- do steps.append(('stay', 0)) -%}
    with

    ml_probe_offsets as {{ materialized_cte() }} (

        {% for name, offsets in probes -%}
        select
            cast('{{ name }}' as {{ dbt.type_string() }}) as probe
            {%- for j in range(k) %},
            {{ offsets[j] * h }} as offset_{{ j }}
            {%- endfor %}
        {{ 'union all' if not loop.last }}
        {% endfor %}
    ),

    ml_line_steps as {{ materialized_cte() }} (

        {% for kind, size in steps -%}
        select
            {{ loop.index }} as step_rank,
            cast('{{ kind }}' as {{ dbt.type_string() }}) as step_kind,
            cast({{ size }} as {{ type_double() }}) as step_size
        {{ 'union all' if not loop.last }}
        {% endfor %}
    ),

    ml_state_0 as {{ materialized_cte() }} (

        select
            {{ keys_select }}
            {%- for p in parameters %}
            cast(log_{{ p }} as {{ type_double() }}) as u_{{ loop.index0 }}{{ ',' if not loop.last }}
            {%- endfor %}
        from {{ start }} as start_point

    ),

    {%- for iteration in range(1, iterations + 2) %}
    {%- set last = iteration == iterations + 1 %}

    -- iteration {{ iteration }}{{ ': the gradient at the final point' if last }}
    ml_probe_ll_{{ iteration }} as {{ materialized_cte() }} (

        {{ ml_evaluate(
            'select ' ~ ml_prefixed(keys, 'state.') ~ (', ' if keys else '') ~ 'offsets.probe as trial_id'
            ~ ml_trial_columns(k, 'state.u_', 'offsets.offset_')
            ~ ' from ml_state_' ~ (iteration - 1) ~ ' as state cross join ml_probe_offsets as offsets',
            data, parameters, log_likelihood, keys) }}

    ),

    ml_derivatives_{{ iteration }} as {{ materialized_cte() }} (

        select
            {{ keys_select }}
            {%- for j in range(k) %}
            max(case when trial_id = 'c' then u_{{ j }} end) as u_{{ j }},
            {%- endfor %}
            {%- for name, offsets in probes %}
            max(case when trial_id = '{{ name }}' then ll end) as f_{{ name }}{{ ',' if not loop.last }}
            {%- endfor %}
        from ml_probe_ll_{{ iteration }}
        {%- if keys %}
        group by {{ keys | join(', ') }}
        {%- endif %}

    ),

    ml_gradient_{{ iteration }} as {{ materialized_cte() }} (

        select
            {{ keys_select }}
            {%- for j in range(k) %}
            u_{{ j }},
            (f_p{{ j }} - f_m{{ j }}) / {{ 2 * h }} as g_{{ j }},
            (f_p{{ j }} - 2 * f_c + f_m{{ j }}) / {{ h * h }} as h_{{ j }}_{{ j }},
            {%- endfor %}
            {%- for i, j in pairs %}
            (f_p{{ i }}_{{ j }} - f_p{{ i }} - f_p{{ j }} + f_c) / {{ h * h }} as h_{{ i }}_{{ j }},
            {%- endfor %}
            f_c as ll

        from ml_derivatives_{{ iteration }}

    ),

    {%- if last %}

    ml_final as {{ materialized_cte() }} (

        select
            {{ keys_select }}
            {%- for p in parameters %}
            exp(u_{{ loop.index0 }}) as {{ p }},
            {%- endfor %}
            ll as log_likelihood,
            greatest({% for j in range(k) %}abs(g_{{ j }}){{ ', ' if not loop.last }}{% endfor %}) as gradient_max_abs,
            {{ iterations }} as iterations

        from ml_gradient_{{ iteration }}

    )

    {%- else %}

    {#- H d = -g by Cramer's rule; H is symmetric, h_i_j holds i <= j -#}
    {%- set matrix = [] -%}
    {%- for i in range(k) -%}
        {%- set row = [] -%}
        {%- for j in range(k) -%}{%- do row.append('h_' ~ ([i, j] | min) ~ '_' ~ ([i, j] | max)) -%}{%- endfor -%}
        {%- do matrix.append(row) -%}
    {%- endfor %}

    ml_newton_{{ iteration }} as {{ materialized_cte() }} (

        select
            *,
            {%- for m in range(1, k) %}
            {%- set leading = [] -%}
            {%- for row in matrix[:m] -%}{%- do leading.append(row[:m]) -%}{%- endfor %}
            {{ sql_determinant(leading) }} as minor_{{ m }},
            {%- endfor %}
            {{ sql_determinant(matrix) }} as det
            {%- for j in range(k) -%}
            {%- set replaced = [] -%}
            {%- for row in matrix -%}{%- do replaced.append(row[:j] + ['(-g_' ~ loop.index0 ~ ')'] + row[j + 1:]) -%}{%- endfor %},
            {{ sql_determinant(replaced) }} as det_{{ j }}
            {%- endfor %}

        from ml_gradient_{{ iteration }}

    ),

    ml_direction_{{ iteration }} as {{ materialized_cte() }} (

        select
            *,
            case
                when {% for m in range(1, k) %}{{ '-' if m % 2 == 1 }}minor_{{ m }} > 0 and {% endfor -%}
                    {{ '-' if k % 2 == 1 }}det > 0
                    and ({% for j in range(k) %}g_{{ j }} * det_{{ j }} / nullif(det, 0){{ ' + ' if not loop.last }}{% endfor %}) > 0
                    then 1
                else 0
            end as newton_climbs,
            sqrt({% for j in range(k) %}g_{{ j }} * g_{{ j }}{{ ' + ' if not loop.last }}{% endfor %}) as gradient_norm,
            sqrt({% for j in range(k) %}power(g_{{ j }} / greatest(abs(h_{{ j }}_{{ j }}), 1e-12), 2){{ ' + ' if not loop.last }}{% endfor %})
                as diagonal_norm

        from ml_newton_{{ iteration }}

    ),

    ml_unit_{{ iteration }} as {{ materialized_cte() }} (

        select
            *,
            case
                when newton_climbs = 1
                    then least(1.0, 2.0 / sqrt({% for j in range(k) %}power(det_{{ j }} / det, 2){{ ' + ' if not loop.last }}{% endfor %}))
                else 0
            end as newton_scale,
            case when diagonal_norm > 0 then least(1.0, 1.0 / diagonal_norm) else 0 end as diagonal_scale

        from ml_direction_{{ iteration }}

    ),

    ml_line_ll_{{ iteration }} as {{ materialized_cte() }} (

        {%- set moves = [] -%}
        {%- for j in range(k) -%}
            {%- do moves.append(
                '(case steps.step_kind'
                ~ ' when \'newton\' then case when dir.newton_climbs = 1 then dir.newton_scale * dir.det_' ~ j ~ ' / dir.det else 0 end'
                ~ ' when \'diagonal\' then dir.diagonal_scale * dir.g_' ~ j ~ ' / greatest(abs(dir.h_' ~ j ~ '_' ~ j ~ '), 1e-12)'
                ~ ' when \'gradient\' then case when dir.gradient_norm > 0 then dir.g_' ~ j ~ ' / dir.gradient_norm else 0 end'
                ~ ' else 0 end) * steps.step_size') -%}
        {%- endfor %}
        {{ ml_evaluate(
            'select ' ~ ml_prefixed(keys, 'dir.') ~ ml_trial_columns(k, 'dir.u_', moves, leading_comma=(keys | length > 0))
            ~ ', steps.step_rank as trial_id'
            ~ ' from ml_unit_' ~ iteration ~ ' as dir cross join ml_line_steps as steps',
            data, parameters, log_likelihood, keys) }}

    ),

    ml_state_{{ iteration }} as {{ materialized_cte() }} (

        select
            {{ keys_select }}
            {%- for j in range(k) %}
            u_{{ j }}{{ ',' if not loop.last }}
            {%- endfor %}
        from (
            select
                ml_line_ll_{{ iteration }}.*,
                row_number() over (
                    {% if keys %}partition by {{ keys | join(', ') }}{% endif %}
                    order by ll desc, trial_id
                ) as ll_rank
            from ml_line_ll_{{ iteration }}
        ) as ranked
        where ll_rank = 1

    ),
    {%- endif %}
    {%- endfor %}

    select * from ml_final
{%- endmacro %}

{#- `, u_j = clamp(base_j + offset_j) as u_j` for every parameter; `offsets` is
    a column prefix or a list of expressions. -#}
{% macro ml_trial_columns(k, base, offsets, leading_comma=true) -%}
    {%- for j in range(k) -%}
        {{ ', ' if leading_comma or not loop.first }}least(20.0, greatest(-20.0, {{ base }}{{ j }} + {{ offsets[j] if offsets is not string else offsets ~ j }})) as u_{{ j }}
    {%- endfor -%}
{%- endmacro %}

{% macro ml_prefixed(columns, prefix) -%}
    {%- set out = [] -%}
    {%- for c in columns -%}{%- do out.append(prefix ~ c ~ ' as ' ~ c) -%}{%- endfor -%}
    {{ return(out | join(', ')) }}
{%- endmacro %}

{#- The weighted log-likelihood of every trial point: one row per key and
    trial_id, with the trial's u_j and ll. -#}
{% macro ml_evaluate(trials_query, data, parameters, log_likelihood, keys) -%}
    {%- set stages = [[('ll', log_likelihood)]] if log_likelihood is string else log_likelihood -%}
        select
            {%- for key in keys %}
            {{ key }},
            {%- endfor %}
            trial_id,
            {%- for p in parameters %}
            max(u_{{ loop.index0 }}) as u_{{ loop.index0 }},
            {%- endfor %}
            {{ order_independent_sum('weight * ll', non_finite=-1e15) }} as ll

        from (
        {%- for stage in stages[1:] | reverse %}
            select
                *
                {%- for name, expression in stage %},
                {{ expression }} as {{ name }}
                {%- endfor %}
            from (
        {%- endfor %}
                select
                    {%- for key in keys %}
                    trial.{{ key }},
                    {%- endfor %}
                    trial.trial_id,
                    data.weight
                    {%- for p in parameters %},
                    trial.u_{{ loop.index0 }}
                    {%- endfor %}
                    {%- for name, expression in stages[0] %},
                    {{ expression }} as {{ name }}
                    {%- endfor %}
                from (
                    select
                        trials.*
                        {%- for p in parameters %},
                        exp(trials.u_{{ loop.index0 }}) as {{ p }}
                        {%- endfor %}
                    from ({{ trials_query }}) as trials
                    {{ projection_fence() }}
                ) as trial
                {% if keys -%}
                inner join {{ data }} as data
                    on {% for key in keys %}trial.{{ key }} = data.{{ key }}{{ ' and ' if not loop.last }}{% endfor %}
                {%- else -%}
                cross join {{ data }} as data
                {%- endif %}
                {{ projection_fence() }}
        {%- for stage in stages[1:] %}
            ) as stage_{{ loop.index + 1 }}
            {{ projection_fence() }}
        {%- endfor %}
        ) as evaluated
        group by
            {%- for key in keys %}
            {{ key }},
            {%- endfor %}
            trial_id
{% endmacro %}

{#- Determinant of a square matrix of SQL expressions (Laplace expansion along
    the first row): an expression with n! products; meant for n <= 4. -#}
{% macro sql_determinant(matrix) -%}
    {%- if matrix | length == 1 -%}
        ({{ matrix[0][0] }})
    {%- else -%}
        (
        {%- for j in range(matrix | length) -%}
            {%- set minor = [] -%}
            {%- for row in matrix[1:] -%}{%- do minor.append(row[:j] + row[j + 1:]) -%}{%- endfor -%}
            {{ ' + ' if j % 2 == 0 and not loop.first }}{{ ' - ' if j % 2 == 1 }}({{ matrix[0][j] }}) * {{ sql_determinant(minor) }}
        {%- endfor -%}
        )
    {%- endif -%}
{%- endmacro %}

{#- A sum of doubles whose result does not depend on the order rows arrive
    in: each value is rounded to 1e-15 and added exactly as a decimal, then
    turned back into a double. A plain sum of doubles differs in the last
    bits between two runs on the same data (parallel aggregation), and the
    finite-difference search amplifies that where the likelihood is flat (a
    and b of a BG/NBD fit with almost no drop-out heterogeneity moved by
    20% between two builds of the same buyers). Values that are not finite
    or beyond +-1e15 count as `non_finite` (for a log-likelihood: a very
    bad point, never NULL, which a sum would skip). -#}
{% macro order_independent_sum(expression, non_finite) -%}
    cast(sum(cast(
        case when {{ expression }} between -1e15 and 1e15 then {{ expression }} else {{ non_finite }} end
        as decimal(38, 15)
    )) as {{ type_double() }})
{%- endmacro %}
