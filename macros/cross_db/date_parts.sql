{#- Date parts as integers with one meaning on every engine. -#}

{#- ISO day of week: 1 = Monday ... 7 = Sunday. -#}
{% macro iso_day_of_week(column) -%}
    {{ return(adapter.dispatch('iso_day_of_week', 'behavioral_segmentation')(column)) }}
{%- endmacro %}

{% macro default__iso_day_of_week(column) -%}
    cast(extract(isodow from {{ column }}) as {{ dbt.type_int() }})
{%- endmacro %}

{% macro spark__iso_day_of_week(column) -%}
    cast(extract(dayofweek_iso from {{ column }}) as {{ dbt.type_int() }})
{%- endmacro %}

{#- Hour 0..23, month 1..12, day of month 1..31. -#}
{% macro hour_of_day(column) -%}
    cast(extract(hour from {{ column }}) as {{ dbt.type_int() }})
{%- endmacro %}

{% macro month_of_year(column) -%}
    cast(extract(month from {{ column }}) as {{ dbt.type_int() }})
{%- endmacro %}

{% macro day_of_month(column) -%}
    cast(extract(day from {{ column }}) as {{ dbt.type_int() }})
{%- endmacro %}

{#- Median as an aggregate (not every engine has median()). -#}
{% macro median_aggregate(column) -%}
    {{ return(adapter.dispatch('median_aggregate', 'behavioral_segmentation')(column)) }}
{%- endmacro %}

{% macro default__median_aggregate(column) -%}
    percentile_cont(0.5) within group (order by {{ column }})
{%- endmacro %}

{% macro spark__median_aggregate(column) -%}
    percentile({{ column }}, 0.5)
{%- endmacro %}
