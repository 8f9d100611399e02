{#- The steps of base_raw__events (models/staging/base/base_raw__events.sql)
    from the parsed raw rows to the rows it writes. Each macro returns a group
    of the model's CTEs (no trailing comma) and reads the CTEs it names from
    the model. -#}

{#- The CTEs read_rows, read_files and new_rows. read_rows: the rows of
    `parsed` (the first 14 content columns: the event as typed), the text of a
    typed value that did not parse in its unparsed_ column, source_file,
    source_loaded_at and is_erased (its customer is in `erasure_requests`).
    read_files: per source_file, the rows read (raw_rows), how many are
    erased (erased_rows) and the latest load timestamp (last_loaded_at).
    new_rows: the rows read and not erased, as stored_columns with
    raw_copies 1.
    Arguments: content (event_content_columns()); stored_columns (content,
    source_file, raw_copies). -#}
{% macro event_rows_read(content, stored_columns) -%}
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

)
{%- endmacro %}

{#- Incremental builds: the stored rows this build can change, by row_key.
    The CTEs stored (the table as it is), first_keys (keys of the new rows in
    `new_rows`, of every quarantined row, and of the rows and 'file' rows of
    customers in `erasure_requests`), first_stored (the stored rows with those
    keys), touched_orders, refunds_stored (stored clean refunds, and their
    exact copies, of an order a new or first row belongs to, not among
    first_keys), touched_keys (first_keys and those refunds), touched_stored
    (the stored rows of touched_keys, with is_erased) and erased_since (per
    source_file, the stored rows of erased customers). No arguments. -#}
{% macro event_rows_touched() -%}
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

)
{%- endmacro %}

{#- The CTEs candidates, repeated_keys, distinct_repeated, ranked_versions
    and versioned. candidates: the new rows and (incremental) the touched
    stored rows not erased, with row_key and their stored outcome, reason and
    loaded_at (NULL for new rows). versioned: every candidate once per
    distinct row and file (raw_copies sums its exact copies), with kept_file
    (the first file holding an equal row) and event_id_versions (how many
    different rows share its row_key).
    Arguments: content (event_content_columns()); stored_columns (content,
    source_file, raw_copies); incremental (touched_stored exists). -#}
{% macro event_rows_versioned(content, stored_columns, incremental) -%}
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

)
{%- endmacro %}

{#- The CTEs checked, versions_checked, refunded_orders (incremental),
    clean_orders, outcomes and event_rows, from `versioned` and the lookups
    `event_types` and (has_customers) `known_customers`. quarantine_reason is
    the first of: event_row_reason(), conflicting_duplicate (more than one
    version of the event_id), unknown_refund_order (a refund whose order has
    no clean order line now, or stored and not rechecked). event_rows: one row
    per versioned row with row_key, source_file, outcome (exact_duplicate
    when another file keeps the equal row, else clean or quarantined),
    quarantine_reason (NULL for exact duplicates), raw_copies, stored_outcome,
    stored_reason, stored_loaded_at and the content columns.
    Arguments: content (event_content_columns()); has_customers (the
    customers source exists); incremental (stored and touched_keys exist). -#}
{% macro event_rows_checked(content, has_customers, incremental) -%}
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

)
{%- endmacro %}

{#- The CTE file_rows: one row per file or table load with source_file,
    raw_rows, file_size, file_modified_at and erased_rows. For files, every
    file the plan reads (event_load_files()) with its counts from
    `read_files`; for a table, the loads in `read_files` (no size, the latest
    load timestamp as modification time); incremental builds add the stored
    'file' rows of the files in `erased_since`, their erased_rows increased.
    Arguments: plan (event_load_plan()); incremental (touched_stored and
    erased_since exist). -#}
{% macro event_rows_files(plan, incremental) -%}
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

)
{%- endmacro %}

{#- Incremental builds that overwrite partitions (Spark): the CTEs
    written_files (the files read, in `read_files`, or holding a row of
    `touched_stored`) and kept_as_stored (the stored rows of those files whose
    row_key is not in `touched_keys`, in output_columns, written again as
    they are). Argument: output_columns, the model's columns in order. -#}
{% macro event_rows_kept_as_stored(output_columns) -%}
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
{%- endmacro %}
