{#- Column types with the same meaning on every engine. -#}

{#- 8-byte floating point. dbt.type_float() is 4 bytes on DuckDB. -#}
{% macro type_double() -%}
    {{ return(adapter.dispatch('type_double', 'behavioral_segmentation')()) }}
{%- endmacro %}

{% macro default__type_double() -%}
    double precision
{%- endmacro %}

{% macro duckdb__type_double() -%}
    double
{%- endmacro %}

{% macro spark__type_double() -%}
    double
{%- endmacro %}

{#- Money: exact decimal with cents, identical sums on every engine. -#}
{% macro type_money() -%}
    decimal(18, 2)
{%- endmacro %}
