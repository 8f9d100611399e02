{#- Post-hooks that keep incremental intermediate models equal to a full
    refresh (models/intermediate/int_events_loaded.sql, int_orders_netted.sql). -#}

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

{#- Spark: Parquet tables take no DELETE or UPDATE. int_events_loaded
    overwrites whole days (a day that loses all its events keeps them until
    --full-refresh); int_orders_netted rewrites every row on every run, so
    its rows never need retracting or restamping. -#}
{% macro spark__retract_missing_rows(key, source_relation, source_key, source_where='1 = 1') -%}
{%- endmacro %}

{% macro spark__restamp_as_of_date() -%}
{%- endmacro %}

{#- The columns that say a clean event is in int_events_loaded as it is now.
    A clean event without such a match is late, released from quarantine, or
    changed: int_events_loaded reloads its day, and
    assert_incremental_events_complete checks that none is left. -#}
{% macro loaded_event_columns() -%}
    {{ return(['event_id', 'customer_id', 'event_type', 'occurred_at']) }}
{%- endmacro %}

{#- Join condition: `clean` is in `loaded` as it is now. -#}
{% macro event_loaded_as_is(clean, loaded) -%}
    {%- for column in loaded_event_columns() -%}
        {{ clean }}.{{ column }} = {{ loaded }}.{{ column }}{{ '\n            and ' if not loop.last }}
    {%- endfor -%}
{%- endmacro %}

{#- A 64-bit hash of an event's loaded_event_columns(), summed per day by
    int_events_loaded to find the days whose clean events differ from the
    loaded ones without joining every event (two small aggregates instead of
    an anti-join of the whole log). -#}
{% macro event_fingerprint(alias) -%}
    {{ return(adapter.dispatch('event_fingerprint', 'behavioral_segmentation')(alias)) }}
{%- endmacro %}

{% macro default__event_fingerprint(alias) -%}
    hashtextextended(
        {%- for column in loaded_event_columns() %}
        cast({{ alias }}.{{ column }} as text){{ " || '|' ||" if not loop.last }}
        {%- endfor %}, 0
    )
{%- endmacro %}

{% macro duckdb__event_fingerprint(alias) -%}
    hash({% for column in loaded_event_columns() %}{{ alias }}.{{ column }}{{ ', ' if not loop.last }}{% endfor %})
{%- endmacro %}

{% macro spark__event_fingerprint(alias) -%}
    xxhash64({% for column in loaded_event_columns() %}{{ alias }}.{{ column }}{{ ', ' if not loop.last }}{% endfor %})
{%- endmacro %}
