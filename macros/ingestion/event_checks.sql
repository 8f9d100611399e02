{#- The checks of a raw event row (models/staging/base/base_raw__events.sql). -#}

{#- The columns that make two raw rows the same row: equal in all of them is
    an exact copy; the same event_id with any difference is a conflict. -#}
{% macro event_content_columns() -%}
    {{ return(['event_id', 'customer_id', 'session_id', 'order_id', 'product_id', 'campaign_id',
               'event_type', 'campaign_variant', 'category', 'channel', 'occurred_at', 'revenue',
               'discount_amount', 'quantity', 'unparsed_occurred_at', 'unparsed_revenue',
               'unparsed_discount_amount', 'unparsed_quantity']) }}
{%- endmacro %}

{#- The select list that reads one raw row: ids as trimmed text, categories
    lower-cased, typed values NULL where the text does not parse, and the text
    of a typed value that is missing or did not parse in its unparsed_ column
    ('' is missing). Optional columns the source lacks are NULL. -#}
{% macro event_parsed_columns(raw_events, available, label) -%}
    {%- set text = dbt.type_string() -%}
    {%- for column in ['event_id', 'customer_id', 'session_id', 'order_id', 'product_id', 'campaign_id'] %}
        {{ raw_text(column) if column in available else 'cast(null as ' ~ text ~ ')' }} as {{ column }},
    {%- endfor %}
    {%- for column in ['event_type', 'campaign_variant', 'category', 'channel'] %}
        {{ 'lower(' ~ raw_text(column) ~ ')' if column in available else 'cast(null as ' ~ text ~ ')' }} as {{ column }},
    {%- endfor %}
        {{ parsed_utc_timestamp(raw_events, 'occurred_at', label) }} as occurred_at,
        {{ parsed_number(raw_events, 'revenue', type_money()) }} as revenue,
        {{ parsed_number(raw_events, 'discount_amount', type_money()) if 'discount_amount' in available
           else 'cast(null as ' ~ type_money() ~ ')' }} as discount_amount,
        {{ parsed_number(raw_events, 'quantity', dbt.type_int(), whole=true) if 'quantity' in available
           else 'cast(null as ' ~ dbt.type_int() ~ ')' }} as quantity,
    {%- for column in ['occurred_at', 'revenue', 'discount_amount', 'quantity'] %}
        {{ raw_text(column) if column in available else 'cast(null as ' ~ text ~ ')' }} as delivered_{{ column }}
        {{- ',' if not loop.last }}
    {%- endfor %}
{%- endmacro %}

{#- The first reason a row cannot be used, from the row alone and the
    lookups `event_types` and (with a customers source) `known_customers`
    joined to it; NULL when none applies. Order:
      missing_event_id, missing_customer, unparseable_timestamp (outside the
      ISO grammar of timestamp_grammar(), or a day that does not exist),
      missing_timestamp, implausible_timestamp (before
      quarantine_earliest_date), future_timestamp (later than the build's
      start plus quarantine_future_tolerance_hours), unknown_event_type (not
      in the seed event_types), unknown_campaign_variant (set but not
      treatment or control), non_numeric_revenue (not a finite number below
      10^15), negative_revenue, non_numeric_value (discount_amount not a
      finite number below 10^15, or quantity not a whole number below 10^9),
      missing_order_id (an order or refund without one), unknown_customer
      (absent from the customers source, when there is one). -#}
{% macro event_row_reason(row, has_customers) -%}
    {%- set tolerance_hours = require_whole_number('quarantine_future_tolerance_hours', 0) -%}
    {%- set earliest_date = date_var_literal('quarantine_earliest_date', 'null for no lower bound') -%}
    case
        when {{ row }}.event_id is null then 'missing_event_id'
        when {{ row }}.customer_id is null then 'missing_customer'
        when {{ row }}.unparsed_occurred_at is not null then 'unparseable_timestamp'
        when {{ row }}.occurred_at is null then 'missing_timestamp'
        {% if earliest_date is not none -%}
        when {{ row }}.occurred_at < {{ earliest_date }} then 'implausible_timestamp'
        {% endif -%}
        when {{ row }}.occurred_at > {{ dbt.dateadd('hour', tolerance_hours, build_started_at()) }}
            then 'future_timestamp'
        when event_types.event_type is null then 'unknown_event_type'
        when {{ row }}.campaign_variant not in ('treatment', 'control') then 'unknown_campaign_variant'
        when {{ row }}.unparsed_revenue is not null then 'non_numeric_revenue'
        when {{ row }}.revenue < 0 then 'negative_revenue'
        when {{ row }}.unparsed_discount_amount is not null
            or {{ row }}.unparsed_quantity is not null then 'non_numeric_value'
        when {{ row }}.event_type in ('order_completed', 'order_refunded')
            and {{ row }}.order_id is null then 'missing_order_id'
        {% if has_customers -%}
        when known_customers.customer_id is null then 'unknown_customer'
        {%- endif %}
    end
{%- endmacro %}
