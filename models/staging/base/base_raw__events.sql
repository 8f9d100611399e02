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
    recompute what those rows touch. -#}
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

read_rows as {{ inline_cte() }} (

    select
        {% for column in content[:14] -%}
        parsed.{{ column }},
        {% endfor -%}
        case when parsed.occurred_at is null then parsed.delivered_occurred_at end as unparsed_occurred_at,
        case when parsed.revenue is null then parsed.delivered_revenue end as unparsed_revenue,
        case when parsed.discount_amount is null then parsed.delivered_discount_amount end
            as unparsed_discount_amount,
        case when parsed.quantity is null then parsed.delivered_quantity end as unparsed_quantity,
        parsed.source_file,
        parsed.source_loaded_at,
        erasure_requests.customer_id is not null as is_erased

    from parsed
    left join erasure_requests
        on parsed.customer_id = erasure_requests.customer_id

),

-- rows read per file or load: the 'file' rows count them
read_files as (

    select
        source_file,
        count(*) as raw_rows,
        sum(case when is_erased then 1 else 0 end) as erased_rows,
        max(source_loaded_at) as last_loaded_at

    from read_rows
    group by source_file

),

-- the rows read, not erased (exact copies are counted further down)
new_rows as {{ inline_cte() }} (

    select
        {{ stored_columns[:-1] | join(',\n        ') }},
        1 as raw_copies

    from read_rows
    where not is_erased

),

{% if incremental -%}
stored as {{ inline_cte() }} (

    select * from {{ this }}

),

-- stored rows that the new rows, a quarantine reason going away or an
-- erasure request can change
first_keys as (

    select coalesce(event_id, '(no event_id) ' || source_file) as row_key
    from new_rows

    union

    select row_key
    from stored
    where outcome = 'quarantined'

    union

    select stored.row_key
    from stored
    inner join erasure_requests
        on stored.customer_id = erasure_requests.customer_id

    union

    select '(file) ' || stored.source_file
    from stored
    inner join erasure_requests
        on stored.customer_id = erasure_requests.customer_id

),

-- the stored rows with those keys (one scan of the stored keys)
first_stored as (

    {{ stored_rows_with_keys('first_keys') | indent(4) }}

),

touched_orders as (

    select order_id
    from new_rows
    where order_id is not null

    union

    select order_id
    from first_stored
    where order_id is not null

),

-- the clean refunds of an order a touched row belongs to, with their exact
-- copies kept from other files (copies share the order; a key whose kept row
-- is held back is a first key already)
refunds_stored as (

    select order_refunds.*
    from (
        {{ stored_rows_with_keys('touched_orders', 'order_id',
                                 "stored.outcome in ('clean', 'exact_duplicate')"
                                 ~ " and stored.event_type = 'order_refunded'") | indent(8) }}
    ) as order_refunds
    left join first_keys
        on order_refunds.row_key = first_keys.row_key
    where first_keys.row_key is null

),

touched_keys as (

    select row_key from first_keys
    union
    select row_key from refunds_stored

),

touched_stored as (

    select
        rechecked.*,
        erasure_requests.customer_id is not null as is_erased

    from (
        select * from first_stored
        union all
        select * from refunds_stored
    ) as rechecked
    left join erasure_requests
        on rechecked.customer_id = erasure_requests.customer_id

),

-- stored rows of customers who asked to be forgotten, per file
erased_since as (

    select
        source_file,
        sum(raw_copies) as erased_rows

    from touched_stored
    where is_erased and outcome != 'file'
    group by source_file

),
{%- endif %}

candidates as {{ inline_cte() }} (

    select
        {{ stored_columns | join(',\n        ') }},
        coalesce(event_id, '(no event_id) ' || source_file) as row_key,
        cast(null as {{ dbt.type_string() }}) as stored_outcome,
        cast(null as {{ dbt.type_string() }}) as stored_reason,
        cast(null as {{ dbt.type_timestamp() }}) as stored_loaded_at

    from new_rows
    {%- if incremental %}

    union all

    select
        {{ stored_columns | join(',\n        ') }},
        row_key,
        outcome as stored_outcome,
        quarantine_reason as stored_reason,
        loaded_at as stored_loaded_at

    from touched_stored
    where outcome != 'file' and not is_erased
    {%- endif %}

),

-- keys on more than one row (exact copies, conflicting versions): only these
-- need their contents compared
repeated_keys as (

    select row_key
    from candidates
    group by row_key
    having count(*) > 1

),

-- one row per distinct row and file, its exact copies counted
distinct_repeated as (

    select
        {{ (stored_columns[:-1] + ['row_key']) | join(',\n        ') }},
        sum(raw_copies) as raw_copies,
        max(stored_outcome) as stored_outcome,
        max(stored_reason) as stored_reason,
        max(stored_loaded_at) as stored_loaded_at

    from candidates
    where row_key in (select repeated_keys.row_key from repeated_keys)
    group by
        {{ (stored_columns[:-1] + ['row_key']) | join(',\n        ') }}

),

ranked_versions as (

    select
        distinct_repeated.*,
        min(distinct_repeated.source_file) over (
            partition by distinct_repeated.{{ content | join(', distinct_repeated.') }}
        ) as kept_file,
        dense_rank() over (
            partition by distinct_repeated.row_key
            order by distinct_repeated.{{ content | join(', distinct_repeated.') }}
        ) as version_rank

    from distinct_repeated

),

versioned as {{ inline_cte() }} (

    select
        candidates.*,
        candidates.source_file as kept_file,
        1 as event_id_versions

    from candidates
    left join repeated_keys
        on candidates.row_key = repeated_keys.row_key
    where repeated_keys.row_key is null

    union all

    select
        {{ (stored_columns + ['row_key', 'stored_outcome', 'stored_reason', 'stored_loaded_at', 'kept_file'])
           | join(',\n        ') }},
        max(version_rank) over (partition by row_key) as event_id_versions

    from ranked_versions

),

checked as {{ inline_cte() }} (

    select
        versioned.*,
        {{ event_row_reason('versioned', has_customers) | indent(8) }} as row_reason

    from versioned
    left join event_types
        on versioned.event_type = event_types.event_type
    {% if has_customers -%}
    left join known_customers
        on versioned.customer_id = known_customers.customer_id
    {%- endif %}

),

versions_checked as {{ inline_cte() }} (

    select
        checked.*,
        case
            when checked.row_reason is not null then checked.row_reason
            when checked.event_id_versions > 1 then 'conflicting_duplicate'
        end as event_reason

    from checked

),

{% if incremental -%}
refunded_orders as (

    select distinct order_id
    from versions_checked
    where event_reason is null and event_type = 'order_refunded'

),
{%- endif %}

clean_orders as (

    select distinct order_id
    from versions_checked
    where event_reason is null and event_type = 'order_completed'
    {%- if incremental %}

    union

    -- clean order lines stored earlier and not rechecked now
    select stored.order_id
    from stored
    inner join refunded_orders
        on stored.order_id = refunded_orders.order_id
    left join touched_keys
        on stored.row_key = touched_keys.row_key
    where
        stored.outcome = 'clean'
        and stored.event_type = 'order_completed'
        and touched_keys.row_key is null
    {%- endif %}

),

outcomes as {{ inline_cte() }} (

    select
        versions_checked.*,
        case
            when versions_checked.event_reason is not null then versions_checked.event_reason
            when versions_checked.event_type = 'order_refunded' and clean_orders.order_id is null
                then 'unknown_refund_order'
        end as quarantine_reason

    from versions_checked
    left join clean_orders
        on versions_checked.order_id = clean_orders.order_id

),

event_rows as {{ inline_cte() }} (

    select
        row_key,
        source_file,
        case
            when source_file != kept_file then 'exact_duplicate'
            when quarantine_reason is null then 'clean'
            else 'quarantined'
        end as outcome,
        case when source_file = kept_file then quarantine_reason end as quarantine_reason,
        raw_copies,
        stored_outcome,
        stored_reason,
        stored_loaded_at,
        {{ content | join(',\n        ') }}

    from outcomes

),

file_rows as (

    {% if plan.kind == 'files' -%}
    select
        files.path as source_file,
        coalesce(read_files.raw_rows, 0) as raw_rows,
        files.size as file_size,
        files.modified_at as file_modified_at,
        coalesce(read_files.erased_rows, 0) as erased_rows

    from ({{ event_load_files(plan) | indent(8) }}) as files
    left join read_files
        on files.path = read_files.source_file
    {%- else -%}
    select
        source_file,
        raw_rows,
        cast(null as {{ dbt.type_bigint() }}) as file_size,
        last_loaded_at as file_modified_at,
        erased_rows

    from read_files
    {%- endif %}
    {%- if incremental %}

    union all

    select
        touched_stored.source_file,
        touched_stored.raw_copies as raw_rows,
        touched_stored.file_size,
        touched_stored.file_modified_at,
        touched_stored.erased_rows + erased_since.erased_rows as erased_rows

    from touched_stored
    inner join erased_since
        on touched_stored.source_file = erased_since.source_file
    where touched_stored.outcome = 'file'
    {%- endif %}

),

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

-- Spark overwrites whole partitions: the other stored rows of every file
-- written here (a file read, a file holding a touched row) are written again
-- as they are. Every stored row that final replaces has a touched key.
written_files as (

    select source_file from read_files
    union
    select source_file from touched_stored

),

kept_as_stored as (

    select
        {%- for column in output_columns %}
        stored.{{ column }}{{ ',' if not loop.last }}
        {%- endfor %}

    from stored
    inner join written_files
        on stored.source_file = written_files.source_file
    left join touched_keys
        on stored.row_key = touched_keys.row_key
    where touched_keys.row_key is null

)

select * from final
union all
select * from kept_as_stored
{%- else %}

select * from final
{%- endif %}
