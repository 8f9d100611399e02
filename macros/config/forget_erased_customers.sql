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
    run `dbt build --full-refresh` after adding erasure requests (README,
    section Spark). The snapshot is disabled on Spark. -#}
{% macro spark__forget_erased_customers(customer_column='customer_id') -%}
{%- endmacro %}

{% macro spark__forget_erased_customers_in_snapshot() -%}
{%- endmacro %}
