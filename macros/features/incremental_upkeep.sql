{#- Post-hooks that keep incremental intermediate models equal to a full
    refresh (models/intermediate/int_orders_netted.sql). -#}

{#- Delete the rows of this model whose key no longer appears in the source
    relation: events that stopped being clean, orders that lost all their lines. -#}
{% macro retract_missing_rows(key, source_relation, source_key, source_where='1 = 1') -%}
    {{ return(adapter.dispatch('retract_missing_rows', 'behavioral_segmentation')(
        key, source_relation, source_key, source_where)) }}
{%- endmacro %}

{% macro default__retract_missing_rows(key, source_relation, source_key, source_where='1 = 1') -%}
    delete from {{ this }} as kept
    where not exists (
        select 1
        from {{ source_relation }} as current_rows
        where current_rows.{{ source_key }} = kept.{{ key }} and {{ source_where }}
    )
{%- endmacro %}

{#- Stamp every row with the current as-of date (it moves when new data arrive). -#}
{% macro restamp_as_of_date() -%}
    {{ return(adapter.dispatch('restamp_as_of_date', 'behavioral_segmentation')()) }}
{%- endmacro %}

{% macro default__restamp_as_of_date() -%}
    update {{ this }}
    set as_of_date = (select as_of.as_of_date from {{ ref('int_as_of_date') }} as as_of)
    where as_of_date != (select as_of.as_of_date from {{ ref('int_as_of_date') }} as as_of)
{%- endmacro %}

{#- Spark: Parquet tables take no DELETE or UPDATE. int_orders_netted rewrites every row on every run, so
    its rows never need retracting or restamping. -#}
{% macro spark__retract_missing_rows(key, source_relation, source_key, source_where='1 = 1') -%}
{%- endmacro %}

{% macro spark__restamp_as_of_date() -%}
{%- endmacro %}
