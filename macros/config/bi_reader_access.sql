{#- Access for BI tools on server warehouses: a group role (var bi_reader_role)
    that can read the marts and nothing else. SELECT on each mart comes from
    dbt grants (+grants in dbt_project.yml); these hooks create the role when it
    is missing and let it into the marts schema. DuckDB has no roles: BI tools
    read the published file instead (segwh.publish). -#}

{% macro create_bi_reader_role() -%}
    {{ return(adapter.dispatch('create_bi_reader_role', 'behavioral_segmentation')()) }}
{%- endmacro %}

{% macro default__create_bi_reader_role() -%}
    select 1 as no_roles_here
{%- endmacro %}

{% macro postgres__create_bi_reader_role() -%}
    {%- set role = var('bi_reader_role') -%}
    {%- if role -%}
    do $$
    begin
        if not exists (select 1 from pg_roles where rolname = '{{ role }}') then
            create role {{ adapter.quote(role) }} nologin;
        end if;
    end
    $$
    {%- else -%}
    select 1 as no_bi_reader_role
    {%- endif -%}
{%- endmacro %}

{% macro grant_bi_reader_schema_usage() -%}
    {{ return(adapter.dispatch('grant_bi_reader_schema_usage', 'behavioral_segmentation')()) }}
{%- endmacro %}

{% macro default__grant_bi_reader_schema_usage() -%}
    select 1 as no_roles_here
{%- endmacro %}

{% macro postgres__grant_bi_reader_schema_usage() -%}
    {%- set role = var('bi_reader_role') -%}
    {%- if role and execute -%}
    do $$
    begin
        if exists (select 1 from information_schema.schemata where schema_name = 'marts') then
            grant usage on schema marts to {{ adapter.quote(role) }};
        end if;
    end
    $$
    {%- else -%}
    select 1 as no_bi_reader_role
    {%- endif -%}
{%- endmacro %}

{#- DuckDB has no grants: apply the marts' grants config silently instead of
    warning on every build. -#}
{% macro duckdb__apply_grants(relation, grant_config, should_revoke=True) -%}
{%- endmacro %}

{#- Spark: no roles; grants (+grants of the marts) are skipped too, as local
    Spark and clusters without table ACLs reject them. -#}
{% macro spark__apply_grants(relation, grant_config, should_revoke=True) -%}
{%- endmacro %}
