{#- One row per order placed on or before the as-of date, net of the refunds
    recorded on or before it. The rule is the macro netted_orders
    (macros/features/netted_orders.sql), shared with the history models. -#}

with

events as (

    select * from {{ ref('int_events_observed') }}

),

final as (

    {{ netted_orders('events') }}

)

select * from final
