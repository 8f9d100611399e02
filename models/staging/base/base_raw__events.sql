{#- Every raw event row, read once: typed, trimmed, collapsed to one row per
    distinct content (exact copies are counted, not kept), and given the reason
    it cannot be used (quarantine_reason; NULL = clean). stg_raw__events keeps
    the clean rows, quarantined_events the others. Events of customers who asked
    to be forgotten are left out entirely (counted by event_ingestion_summary).

    Reasons, checked in this order (the first that applies is recorded):
      missing_event_id, missing_customer, missing_timestamp,
      unparseable_timestamp (outside the ISO grammar of timestamp_grammar(),
      or a day that does not exist), implausible_timestamp (before
      quarantine_earliest_date), future_timestamp (later than the build's
      start plus quarantine_future_tolerance_hours), unknown_event_type (not
      in the seed event_types), unknown_campaign_variant (campaign_variant
      set but not treatment or control), non_numeric_revenue (not a finite
      number below 10^15), negative_revenue, non_numeric_value
      (discount_amount not a finite number below 10^15, or quantity not a
      whole number below 10^9), missing_order_id (an
      order or refund without one), unknown_customer (absent from the
      customers source, when there is one: base_raw__customers),
      conflicting_duplicate (another row has the same event_id and
      different content: every version is
      held back, as no one can tell which is right), unknown_refund_order (a
      refund whose order_id no clean order line has). -#}
{{ config(materialized='table') }}
{%- set raw_events_source = source('raw', 'events') -%}
{%- do require_source(raw_events_source, 'events', 'raw_events_path') -%}
{%- set raw_events = raw_reader(raw_events_source) -%}
{%- set events_label = 'events (' ~ raw_label(raw_events_source) ~ ')' -%}
{%- set available = relation_columns(raw_events) -%}
{%- do require_columns(
    available,
    ['event_id', 'customer_id', 'event_type', 'occurred_at', 'order_id', 'revenue'],
    events_label
) -%}
{%- set has_customers = source_exists(source('raw', 'customers')) -%}
{%- set tolerance_hours = require_whole_number('quarantine_future_tolerance_hours', 0) -%}
{%- set earliest_date = date_var_literal('quarantine_earliest_date', 'null for no lower bound') -%}
{%- set typed_columns = ['occurred_at', 'revenue', 'discount_amount', 'quantity'] -%}
{%- set content_columns = ['event_id', 'customer_id', 'session_id', 'order_id', 'product_id', 'campaign_id',
    'event_type', 'campaign_variant', 'category', 'channel', 'occurred_at', 'revenue', 'discount_amount',
    'quantity', 'unparsed_occurred_at', 'unparsed_revenue', 'unparsed_discount_amount', 'unparsed_quantity'] %}

with

source as {{ inline_cte() }} (

    select * from {{ raw_events }}

),

event_types as (

    select * from {{ ref('event_types') }}

),

erasure_requests as (

    select * from {{ ref('stg_raw__erasure_requests') }}

),

{% if has_customers -%}
-- customers read and checked once, in base_raw__customers (a row kept with a
-- dropped value still makes its customer known)
known_customers as (

    select distinct customer_id
    from {{ ref('base_raw__customers') }}
    where quarantine_reason is null

),
{%- endif %}

parsed as {{ inline_cte() }} (

    select
        ----------  ids and categories, as trimmed text
        {% for column in ['event_id', 'customer_id', 'session_id', 'order_id', 'product_id', 'campaign_id'] -%}
        {{ raw_text(column) if column in available else 'cast(null as ' ~ dbt.type_string() ~ ')' }} as {{ column }},
        {% endfor -%}
        {% for column in ['event_type', 'campaign_variant', 'category', 'channel'] -%}
        {{ 'lower(' ~ raw_text(column) ~ ')' if column in available else 'cast(null as ' ~ dbt.type_string() ~ ')' }}
            as {{ column }},
        {% endfor %}
        ----------  typed values (NULL where the text does not parse)
        {{ parsed_utc_timestamp(raw_events, 'occurred_at', events_label) }} as occurred_at,
        {{ parsed_number(raw_events, 'revenue', type_money()) }} as revenue,
        {{ parsed_number(raw_events, 'discount_amount', type_money()) if 'discount_amount' in available
           else 'cast(null as ' ~ type_money() ~ ')' }} as discount_amount,
        {{ parsed_number(raw_events, 'quantity', dbt.type_int(), whole=true) if 'quantity' in available
           else 'cast(null as ' ~ dbt.type_int() ~ ')' }} as quantity,

        ----------  the raw values of the typed columns, as delivered
        {% for column in typed_columns -%}
        {{ column if column in available else 'cast(null as ' ~ dbt.type_string() ~ ')' }} as delivered_{{ column }}
        {%- if not loop.last %},{% endif %}
        {% endfor %}
    from source

),

normalized as {{ inline_cte() }} (

    select
        parsed.event_id,
        parsed.customer_id,
        parsed.session_id,
        parsed.order_id,
        parsed.product_id,
        parsed.campaign_id,
        parsed.event_type,
        parsed.campaign_variant,
        parsed.category,
        parsed.channel,
        parsed.occurred_at,
        parsed.revenue,
        parsed.discount_amount,
        parsed.quantity,
        -- the text of a typed value that is missing or did not parse ('' is missing)
        case when parsed.occurred_at is null then {{ raw_text('parsed.delivered_occurred_at') }} end
            as unparsed_occurred_at,
        case when parsed.revenue is null then {{ raw_text('parsed.delivered_revenue') }} end
            as unparsed_revenue,
        case when parsed.discount_amount is null then {{ raw_text('parsed.delivered_discount_amount') }} end
            as unparsed_discount_amount,
        case when parsed.quantity is null then {{ raw_text('parsed.delivered_quantity') }} end
            as unparsed_quantity

    from parsed
    left join erasure_requests
        on parsed.customer_id = erasure_requests.customer_id
    where erasure_requests.customer_id is null

),

-- event ids on more than one raw row: only these need the (costlier) comparison of contents
repeated_ids as (

    select event_id
    from normalized
    where event_id is not null
    group by event_id
    having count(*) > 1

),

flagged as {{ inline_cte() }} (

    select
        normalized.*,
        repeated_ids.event_id is not null or normalized.event_id is null as needs_comparison

    from normalized
    left join repeated_ids
        on normalized.event_id = repeated_ids.event_id

),

-- rows equal in every value are exact copies: one row per distinct content
compared_rows as (

    select
        {{ content_columns | join(',\n        ') }},
        count(*) as raw_copies

    from flagged
    where needs_comparison
    group by
        {{ content_columns | join(',\n        ') }}

),

distinct_rows as {{ inline_cte() }} (

    select
        {{ content_columns | join(',\n        ') }},
        1 as raw_copies,
        1 as event_id_versions

    from flagged
    where not needs_comparison

    union all

    select
        {{ content_columns | join(',\n        ') }},
        raw_copies,
        count(*) over (partition by event_id) as event_id_versions

    from compared_rows

),

checked_rows as {{ inline_cte() }} (

    select
        distinct_rows.*,
        case
            when distinct_rows.event_id is null then 'missing_event_id'
            when distinct_rows.customer_id is null then 'missing_customer'
            when distinct_rows.unparsed_occurred_at is not null then 'unparseable_timestamp'
            when distinct_rows.occurred_at is null then 'missing_timestamp'
            {% if earliest_date is not none -%}
            when distinct_rows.occurred_at < {{ earliest_date }} then 'implausible_timestamp'
            {% endif -%}
            when distinct_rows.occurred_at > {{ dbt.dateadd('hour', tolerance_hours, build_started_at()) }}
                then 'future_timestamp'
            when event_types.event_type is null then 'unknown_event_type'
            when distinct_rows.campaign_variant not in ('treatment', 'control') then 'unknown_campaign_variant'
            when distinct_rows.unparsed_revenue is not null then 'non_numeric_revenue'
            when distinct_rows.revenue < 0 then 'negative_revenue'
            when distinct_rows.unparsed_discount_amount is not null
                or distinct_rows.unparsed_quantity is not null then 'non_numeric_value'
            when distinct_rows.event_type in ('order_completed', 'order_refunded')
                and distinct_rows.order_id is null then 'missing_order_id'
            {% if has_customers -%}
            when known_customers.customer_id is null then 'unknown_customer'
            {%- endif %}
        end as row_reason

    from distinct_rows
    left join event_types
        on distinct_rows.event_type = event_types.event_type
    {% if has_customers -%}
    left join known_customers
        on distinct_rows.customer_id = known_customers.customer_id
    {%- endif %}

),

versions_checked as {{ inline_cte() }} (

    select
        checked_rows.*,
        case
            when checked_rows.row_reason is not null then checked_rows.row_reason
            when checked_rows.event_id_versions > 1 then 'conflicting_duplicate'
        end as event_reason

    from checked_rows

),

clean_orders as (

    select distinct order_id
    from versions_checked
    where event_reason is null and event_type = 'order_completed'

),

final as (

    select
        ----------  ids
        versions_checked.event_id,
        versions_checked.customer_id,
        versions_checked.session_id,
        versions_checked.order_id,
        versions_checked.product_id,
        versions_checked.campaign_id,
        versions_checked.campaign_variant,

        ----------  categories
        versions_checked.event_type,
        versions_checked.category,
        versions_checked.channel,

        ----------  numerics
        versions_checked.revenue,
        versions_checked.discount_amount,
        versions_checked.quantity,

        ----------  timestamps
        versions_checked.occurred_at,

        ----------  text of typed values that did not parse
        versions_checked.unparsed_occurred_at,
        versions_checked.unparsed_revenue,
        versions_checked.unparsed_discount_amount,
        versions_checked.unparsed_quantity,

        ----------  checks
        cast(versions_checked.raw_copies as {{ dbt.type_bigint() }}) as raw_copies,
        case
            when versions_checked.event_reason is not null then versions_checked.event_reason
            when versions_checked.event_type = 'order_refunded' and clean_orders.order_id is null
                then 'unknown_refund_order'
        end as quarantine_reason

    from versions_checked
    left join clean_orders
        on versions_checked.order_id = clean_orders.order_id

)

select * from final
