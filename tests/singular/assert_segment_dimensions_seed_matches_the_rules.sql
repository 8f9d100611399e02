{#- The seed segment_dimensions lists exactly the dimensions the rules are
    wired for (segment_rule_expressions, macros/rules/segment_rules.sql), in
    the same order, and every dimension has at least one segment in
    segment_definitions. Returns one row per mismatch. -#}
{%- set dimensions = segment_dimensions() -%}

with

seeded as (

    select * from {{ ref('segment_dimensions') }}

),

definitions as (

    select * from {{ ref('segment_definitions') }}

),

defined as (

    select distinct dimension
    from definitions

),

wired as (

    {%- for dimension in dimensions %}
    select
        cast('{{ dimension }}' as {{ dbt.type_string() }}) as dimension,
        {{ loop.index }} as dimension_rank
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}

),

mismatches as (

    select
        coalesce(wired.dimension, seeded.dimension) as dimension,
        'not in the same place in segment_dimensions and segment_rule_expressions' as problem

    from wired
    full outer join seeded
        on wired.dimension = seeded.dimension
            and wired.dimension_rank = seeded.dimension_rank
    where wired.dimension is null or seeded.dimension is null

    union all

    select
        seeded.dimension,
        'no segment in segment_definitions' as problem

    from seeded
    left join defined
        on seeded.dimension = defined.dimension
    where defined.dimension is null

)

select * from mismatches
