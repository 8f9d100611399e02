{#- Orders netted of refunds, as of each date of the input: the rule behind
    int_orders_netted and the history models.

    events  a relation or CTE name of observed events (the event columns plus
            as_of_date), holding only events on or before their as_of_date; an
            event may appear once per as-of date it is observed at.

    One row per as_of_date and order_id. An order's lines share its order_id;
    the order belongs to the customer and time of its earliest line. Refunds
    are capped at the order's gross revenue; refunds of unknown orders are
    ignored; an order refunded in full is not a purchase. -#}
{% macro netted_orders(events) -%}

    with

    order_lines as (

        select * from {{ events }}
        where event_type = 'order_completed' and order_id is not null

    ),

    refund_events as (

        select * from {{ events }}
        where event_type = 'order_refunded' and order_id is not null

    ),

    first_lines as (

        select
            as_of_date,
            order_id,
            customer_id,
            occurred_at,
            row_number() over (
                partition by as_of_date, order_id
                order by occurred_at, event_id
            ) as line_number

        from order_lines

    ),

    order_totals as (

        select
            as_of_date,
            order_id,
            count(*) as line_count,
            sum(coalesce(quantity, 1)) as item_quantity,
            sum(coalesce(revenue, 0)) as gross_revenue,
            sum(coalesce(discount_amount, 0)) as discount_amount

        from order_lines
        group by as_of_date, order_id

    ),

    refunds as (

        select
            as_of_date,
            order_id,
            count(*) as refund_count,
            sum(coalesce(revenue, 0)) as refund_requested

        from refund_events
        group by as_of_date, order_id

    ),

    joined as (

        select
            first_lines.as_of_date,
            first_lines.order_id,
            first_lines.customer_id,
            first_lines.occurred_at as ordered_at,
            order_totals.line_count,
            order_totals.item_quantity,
            order_totals.gross_revenue,
            order_totals.discount_amount,
            coalesce(refunds.refund_count, 0) as refund_count,
            case
                when refunds.refund_requested is null then cast(0 as {{ type_money() }})
                when refunds.refund_requested > order_totals.gross_revenue then order_totals.gross_revenue
                else refunds.refund_requested
            end as refunded_revenue

        from first_lines
        inner join order_totals
            on first_lines.as_of_date = order_totals.as_of_date
                and first_lines.order_id = order_totals.order_id
        left join refunds
            on first_lines.as_of_date = refunds.as_of_date
                and first_lines.order_id = refunds.order_id
        where first_lines.line_number = 1

    )

    select
        ----------  ids
        order_id,
        customer_id,

        ----------  numerics
        line_count,
        item_quantity,
        cast(gross_revenue as {{ type_money() }}) as gross_revenue,
        cast(discount_amount as {{ type_money() }}) as discount_amount,
        refund_count,
        cast(refunded_revenue as {{ type_money() }}) as refunded_revenue,
        cast(gross_revenue - refunded_revenue as {{ type_money() }}) as net_revenue,

        ----------  booleans
        discount_amount > 0 as is_discounted,
        refund_count > 0 and refunded_revenue >= gross_revenue as is_fully_refunded,

        ----------  timestamps
        ordered_at,
        cast(ordered_at as date) as ordered_on,
        as_of_date

    from joined

{%- endmacro %}

{#- The columns of netted_orders(), in order. -#}
{% macro netted_order_columns() -%}
    {{ return(['order_id', 'customer_id', 'line_count', 'item_quantity', 'gross_revenue', 'discount_amount',
               'refund_count', 'refunded_revenue', 'net_revenue', 'is_discounted', 'is_fully_refunded',
               'ordered_at', 'ordered_on', 'as_of_date']) }}
{%- endmacro %}
