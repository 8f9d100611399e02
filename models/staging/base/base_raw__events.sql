{#- Every raw event row ever loaded, read once and checked once: the one
    stored copy of the events. One row per distinct raw row and source file
    (raw_copies counts its exact copies there) with its outcome: clean,
    quarantined (quarantine_reason says why) or exact_duplicate (an equal row
    of another file is the one kept); plus one 'file' row per loaded file or
    table load with its size, modification time, rows read and rows erased.
    stg_raw__events is the clean rows, quarantined_events the held-back ones,
    event_load_manifest the files.

    A build reads only what the load plan (macros/ingestion/event_loads.sql)
    says is new. The new rows are checked (macros/ingestion/event_checks.sql)
    together with the stored rows they can change, found by key
    (row_key: the event_id, or for a row without one its file):
      - stored rows with the event_id of a new row (an exact copy, or a
        conflicting version: every version is held back as
        conflicting_duplicate, as no one can tell which is right);
      - every held-back row: its reason may have gone away (the customer
        arrived, the other version was erased, its order arrived, it is no
        longer in the future), and then it is clean from this build on;
      - rows of customers who asked to be forgotten: their file's erased_rows
        counts them and the post-hook forget_erased_customers deletes them;
      - clean refunds of an order one of those rows belongs to (a refund
        whose order_id no clean order line has is unknown_refund_order).
    Rows are replaced by row_key (delete+insert); on Spark, which cannot
    delete rows, the table is partitioned by source_file and a build rewrites
    the partitions of the files it touches (their other rows as stored).
    loaded_at is the build that
    last changed a row (its outcome or reason): downstream incremental models
    recompute what those rows touch. The steps between the parsed rows and
    final are the CTE groups of macros/ingestion/event_rows.sql. -#}
{{ config(
    materialized='incremental',
    on_schema_change='fail',
    post_hook=["{{ drop_rows_of_earlier_loads() }}", "{{ forget_erased_customers() }}"],
    **incremental_config(unique_key='row_key', partition_by='source_file')
) }}
{%- set raw_events_source = source('raw', 'events') -%}
{%- do require_source(raw_events_source, 'events', 'raw_events_path') -%}
{%- set plan = event_load_plan(raw_events_source) -%}
{%- set incremental = plan.mode == 'incremental' -%}
{%- if execute -%}
{%- do log('Raw events (' ~ raw_label(raw_events_source) ~ '): ' ~ plan.why, info=true) -%}
{%- endif -%}
{%- set raw_events = event_load_reader(raw_events_source, plan) -%}
{%- set events_label = 'events (' ~ raw_label(raw_events_source) ~ ')' -%}
{%- set available = relation_columns(raw_events) | reject('equalto', event_source_file_column()) | list -%}
{%- do require_columns(
    available,
    ['event_id', 'customer_id', 'event_type', 'occurred_at', 'order_id', 'revenue'],
    events_label
) -%}
{%- set has_customers = source_exists(source('raw', 'customers')) -%}
{%- set content = event_content_columns() -%}
{%- set stored_columns = content + ['source_file', 'raw_copies'] -%}
{%- set output_columns = ['row_key', 'source_file', 'outcome', 'quarantine_reason', 'raw_copies'] + content
    + ['occurred_on', 'file_size', 'file_modified_at', 'erased_rows', 'load_mode', 'loaded_at'] -%}

with

source as {{ inline_cte() }} (

    select * from {{ raw_events }}
    {{ event_load_filter(plan) }}

),

event_types as (

    select * from {{ ref('event_types') }}

),

erasure_requests as (

    select * from {{ ref('stg_raw__erasure_requests') }}

),

{% if has_customers -%}
-- customers read and checked once, in base_raw__customers
known_customers as (

    select distinct customer_id
    from {{ ref('base_raw__customers') }}
    where quarantine_reason is null

),
{%- endif %}

parsed as {{ inline_cte() }} (

    select
        {{ event_parsed_columns(raw_events, available, events_label) }},
        {{ event_source_file(raw_events_source, plan) }} as source_file,
        {{ ('cast(' ~ plan.loaded_at_column ~ ' as ' ~ dbt.type_timestamp() ~ ')') if plan.loaded_at_column
           else 'cast(null as ' ~ dbt.type_timestamp() ~ ')' }} as source_loaded_at

    from source

),

{# read_rows, read_files, new_rows -#}
{{ event_rows_read(content, stored_columns) }},

{# stored, first_keys, first_stored, touched_orders, refunds_stored, touched_keys, touched_stored, erased_since -#}
{% if incremental -%}
{{ event_rows_touched() }},
{%- endif %}

{# candidates, repeated_keys, distinct_repeated, ranked_versions, versioned -#}
{{ event_rows_versioned(content, stored_columns, incremental) }},

{# checked, versions_checked, refunded_orders, clean_orders, outcomes, event_rows -#}
{{ event_rows_checked(content, has_customers, incremental) }},

{# file_rows -#}
{{ event_rows_files(plan, incremental) }},

final as (

    select
        ----------  keys
        event_rows.row_key,
        event_rows.source_file,

        ----------  outcome
        event_rows.outcome,
        event_rows.quarantine_reason,
        cast(event_rows.raw_copies as {{ dbt.type_bigint() }}) as raw_copies,

        ----------  the event
        {% for column in content -%}
        event_rows.{{ column }},
        {% endfor -%}
        cast(event_rows.occurred_at as date) as occurred_on,

        ----------  files
        cast(null as {{ dbt.type_bigint() }}) as file_size,
        cast(null as {{ dbt.type_timestamp() }}) as file_modified_at,
        cast(null as {{ dbt.type_bigint() }}) as erased_rows,

        ----------  load
        '{{ plan.mode }}' as load_mode,
        case
            when event_rows.stored_outcome = event_rows.outcome
                and coalesce(event_rows.stored_reason, '') = coalesce(event_rows.quarantine_reason, '')
                then event_rows.stored_loaded_at
            else {{ build_started_at() }}
        end as loaded_at

    from event_rows

    union all

    select
        '(file) ' || file_rows.source_file as row_key,
        file_rows.source_file,
        'file' as outcome,
        cast(null as {{ dbt.type_string() }}) as quarantine_reason,
        cast(file_rows.raw_rows as {{ dbt.type_bigint() }}) as raw_copies,
        {% for column in content -%}
        null as {{ column }},
        {% endfor -%}
        cast(null as date) as occurred_on,
        cast(file_rows.file_size as {{ dbt.type_bigint() }}) as file_size,
        cast(file_rows.file_modified_at as {{ dbt.type_timestamp() }}) as file_modified_at,
        cast(file_rows.erased_rows as {{ dbt.type_bigint() }}) as erased_rows,
        '{{ plan.mode }}' as load_mode,
        {{ build_started_at() }} as loaded_at

    from file_rows

)
{%- if incremental and not incremental_replaces_by_key() %},

{# written_files, kept_as_stored -#}
{{ event_rows_kept_as_stored(output_columns) }}

select * from final
union all
select * from kept_as_stored
{%- else %}

select * from final
{%- endif %}
