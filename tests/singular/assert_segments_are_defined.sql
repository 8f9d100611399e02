{#- Every segment the models emit (now, in history and before a campaign
    assignment), and every name in the RFM segment map, has a row (definition
    and recommended action) in the seed segment_definitions. The one value that
    is not a segment, campaign_pre_assignment_segments' bucket
    'no_history_before_assignment' (no history before the assignment), is
    left out. -#}

with

memberships as (

    select * from {{ ref('segment_memberships') }}

),

history as (

    select * from {{ ref('customer_segment_history') }}

),

pre_assignment_segments as (

    select * from {{ ref('campaign_pre_assignment_segments') }}
    where segment != 'no_history_before_assignment'

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
        dimension,
        segment
    from pre_assignment_segments

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
