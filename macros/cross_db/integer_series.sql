{#- The integers 0 .. count - 1 as a query with one column `n`, from cross
    joined digits: the same SQL on every engine (no generate_series, range or
    sequence). count must be a literal; up to 10^6. below: an optional query
    or expression for an exclusive upper bound known only at run time (e.g.
    the longest series needed): a join on `n < column` then compares each
    row with that many integers, not `count` (PostgreSQL joins by nested
    loop: 226 million comparisons for int_clv_purchase_curves on the demo,
    48 of its 56 s, against 13 million with the bound). -#}
{% macro integer_series(count, below=none) -%}
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
    {%- if below is not none %}
        and n < ({{ below }})
    {%- endif %}
{%- endmacro %}
