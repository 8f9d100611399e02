{#- Spark versions of dbt's dateadd and datediff, found before dbt-spark's own
    (dispatch search_order in dbt_project.yml). dbt-spark's wrap their input in
    assert_not_null(), which fails the query on a NULL date, while the models
    rely on NULL in, NULL out, as on DuckDB and PostgreSQL. Results have the
    types of the other engines: dateadd gives a timestamp; datediff counts
    boundaries crossed (days, months) as an integer. -#}

{% macro spark__dateadd(datepart, interval, from_date_or_timestamp) -%}
    {%- if datepart not in ['microsecond', 'millisecond', 'second', 'minute', 'hour', 'day', 'week',
                            'month', 'quarter', 'year'] -%}
        {{ exceptions.raise_compiler_error("dateadd: datepart '" ~ datepart ~ "' is not supported on Spark") }}
    {%- endif -%}
    timestampadd({{ datepart }}, {{ interval }}, cast({{ from_date_or_timestamp }} as timestamp))
{%- endmacro %}

{% macro spark__datediff(first_date, second_date, datepart) -%}
    {%- if datepart == 'day' -%}
        datediff(cast({{ second_date }} as date), cast({{ first_date }} as date))
    {%- elif datepart == 'month' -%}
        (
            (year({{ second_date }}) * 12 + month({{ second_date }}))
            - (year({{ first_date }}) * 12 + month({{ first_date }}))
        )
    {%- elif datepart == 'year' -%}
        (year({{ second_date }}) - year({{ first_date }}))
    {%- elif datepart in ['microsecond', 'millisecond', 'second'] -%}
        {%- set per_unit = {'microsecond': 1, 'millisecond': 1000, 'second': 1000000}[datepart] -%}
        ((unix_micros(cast({{ second_date }} as timestamp)) - unix_micros(cast({{ first_date }} as timestamp)))
            div {{ per_unit }})
    {%- else -%}
        {{ exceptions.raise_compiler_error("datediff: datepart '" ~ datepart ~ "' is not supported on Spark") }}
    {%- endif -%}
{%- endmacro %}
