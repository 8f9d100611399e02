{#- The integers 0 .. count - 1 as a query with one column `n`, from cross
    joined digits: the same SQL on every engine (no generate_series, range or
    sequence). count must be a literal; up to 10^6. -#}
{% macro integer_series(count) -%}
    {%- set digits = (count - 1) | string | length if count > 1 else 1 -%}
    select n
    from (
        select
            {%- for place in range(digits) %}
            digit_{{ place }}.d * {{ 10 ** place }}{{ ' +' if not loop.last }}
            {%- endfor %} as n
        from
            {%- for place in range(digits) %}
            (
                {%- for d in range(10) %}
                select {{ d }} as d{{ ' union all' if not loop.last }}
                {%- endfor %}
            ) as digit_{{ place }}{{ ' cross join' if not loop.last }}
            {%- endfor %}
    ) as integers
    where n < {{ count }}
{%- endmacro %}
