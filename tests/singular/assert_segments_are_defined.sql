{#- Every segment the models emit (now and in history), and every name in the
    RFM segment map, has a row (definition and recommended action) in the seed
    segment_definitions. -#}

with

memberships as (

    select * from {{ ref('segment_memberships') }}

),

history as (

    select * from {{ ref('customer_segment_history') }}

),

segment_map as (

    select * from {{ ref('rfm_segment_map') }}

),

segment_definitions as (

    select * from {{ ref('segment_definitions') }}

),

emitted as (

    select distinct
        dimension,
        segment
    from memberships

    union

    select distinct
        dimension,
        segment
    from history

    union

    select distinct
        'rfm_segment' as dimension,
        rfm_segment as segment
    from segment_map

)

select
    emitted.dimension,
    emitted.segment
from emitted
left join segment_definitions
    on emitted.dimension = segment_definitions.dimension
        and emitted.segment = segment_definitions.segment
where segment_definitions.segment is null
