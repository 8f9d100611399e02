{#- ln Γ(z) for z > 0, in plain arithmetic so every engine computes the same
    value (PostgreSQL 15 and Spark 3.5 have no lgamma). Stirling's series to
    the z^-9 term at z >= 8; below 8 the recurrence ln Γ(z) = ln Γ(z + 8) -
    ln(z (z+1) ... (z+7)) moves the argument up first. The series' truncation
    error is below 691 / (360360 * 8^11), about 2.2e-13, and the product cannot
    overflow for z < 1e30. `z` must be a positive expression; it is repeated,
    so pass a column or a short expression. -#}
{% macro log_gamma(z) -%}
    (case
        when ({{ z }}) >= 8 then {{ stirling_log_gamma(z) }}
        else {{ stirling_log_gamma('(' ~ z ~ ') + 8') }} - ln(
            {%- for shift in range(8) -%}
                (({{ z }}) + {{ shift }}){{ ' * ' if not loop.last }}
            {%- endfor -%}
        )
    end)
{%- endmacro %}

{% macro stirling_log_gamma(z) -%}
    ((({{ z }}) - 0.5) * ln({{ z }}) - ({{ z }}) + 0.91893853320467274178
        + 1.0 / (12.0 * ({{ z }}))
        - 1.0 / (360.0 * power({{ z }}, 3))
        + 1.0 / (1260.0 * power({{ z }}, 5))
        - 1.0 / (1680.0 * power({{ z }}, 7))
        + 1.0 / (1188.0 * power({{ z }}, 9)))
{%- endmacro %}
