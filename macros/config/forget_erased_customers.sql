{#- Right to be forgotten. A post-hook of every model that keeps rows from
    earlier builds (incremental history models, the snapshot): deletes the
    rows of customers listed in stg_raw__erasure_requests. Models rebuilt in
    full every time need nothing: staging no longer has the customer. -#}
{% macro forget_erased_customers(customer_column='customer_id') -%}
    {{ return(adapter.dispatch('forget_erased_customers', 'behavioral_segmentation')(customer_column)) }}
{%- endmacro %}

{% macro default__forget_erased_customers(customer_column='customer_id') -%}
    delete from {{ this }}
    where {{ customer_column }} in (
        select erased.customer_id from {{ ref('stg_raw__erasure_requests') }} as erased
    )
{%- endmacro %}

{#- on-run-end: the snapshot cannot take a project macro as a post-hook in its
    YAML, so its erased customers are deleted at the end of every run. -#}
{% macro forget_erased_customers_in_snapshot() -%}
    {{ return(adapter.dispatch('forget_erased_customers_in_snapshot', 'behavioral_segmentation')()) }}
{%- endmacro %}

{% macro default__forget_erased_customers_in_snapshot() -%}
    {%- if execute -%}
        {%- set node = graph.nodes.get('snapshot.behavioral_segmentation.customer_segments_snapshot') -%}
        {%- set snapshot = adapter.get_relation(database=node.database, schema=node.schema,
                                                identifier=node.alias) if node else none -%}
        {%- set requests = graph.nodes.get('model.behavioral_segmentation.stg_raw__erasure_requests') -%}
        {%- set erased = adapter.get_relation(database=requests.database, schema=requests.schema,
                                              identifier=requests.alias) if requests else none -%}
        {%- if snapshot is not none and erased is not none -%}
    delete from {{ snapshot }}
    where customer_id in (select erased.customer_id from {{ erased }} as erased)
        {%- else -%}
    select 1 as nothing_to_forget
        {%- endif -%}
    {%- else -%}
    select 1 as nothing_to_forget
    {%- endif -%}
{%- endmacro %}

{#- Spark: Parquet tables take no DELETE. The history models keep the rows of
    an erased customer in periods that an incremental run does not rebuild:
    run `dbt build --full-refresh` after adding erasure requests (docs/engines.md,
    section Spark). So that no one is left silently, the post-hook counts the
    erased customers who still have rows in the table and warns, naming the
    count and the command. A full refresh (or a first build) writes no row of
    theirs, so it says nothing. The snapshot is disabled on Spark. -#}
{% macro spark__forget_erased_customers(customer_column='customer_id') -%}
    {#- ref outside the execute block: dbt sees the dependency at parse time -#}
    {%- set requests = ref('stg_raw__erasure_requests') -%}
    {%- if execute -%}
        {%- set remaining = run_query(
            'select count(distinct kept.' ~ customer_column ~ ') from ' ~ this ~ ' as kept '
            ~ 'where kept.' ~ customer_column ~ ' in (select erased.customer_id from '
            ~ requests ~ ' as erased)'
        ).columns[0].values()[0] -%}
        {%- if remaining > 0 -%}
            {%- do exceptions.warn(
                remaining ~ ' customer(s) listed in the erasure requests still have rows in ' ~ this
                ~ ': Spark cannot delete rows from Parquet tables, so an incremental build keeps them '
                ~ 'in the periods it does not rebuild. Run a full refresh to forget them: '
                ~ 'make build TARGET=spark DBT_ARGS="--full-refresh"'
            ) -%}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}

{% macro spark__forget_erased_customers_in_snapshot() -%}
{%- endmacro %}
