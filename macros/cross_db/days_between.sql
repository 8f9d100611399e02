{#- Whole UTC calendar days from one date to another, as an integer on every
    engine (dbt.datediff returns bigint on some and integer on others). -#}
{% macro days_between(start_date, end_date) -%}
    cast({{ dbt.datediff(start_date, end_date, 'day') }} as {{ dbt.type_int() }})
{%- endmacro %}
