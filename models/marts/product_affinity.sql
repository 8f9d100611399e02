{#- "Customers who bought X also bought Y": one row per ordered pair of distinct
    products bought by at least affinity_min_customers of the same customers.
    A purchase is an order not fully refunded; its products are those of its
    order_completed lines, and it belongs to the order's customer. Counts are
    of customers, not orders. support, confidence and lift are each one
    division of exact integers, so equal ratios are equal doubles on every
    engine and ties in the ranking are real ties. -#}
{%- set min_customers = require_whole_number('affinity_min_customers', 1) -%}

with

events as (

    select * from {{ ref('int_events_observed') }}

),

orders as (

    select * from {{ ref('int_orders_netted') }}

),

purchase_lines as (

    select * from {{ ref('int_purchase_lines') }}

),

as_of as (

    select * from {{ ref('int_as_of_date') }}

),

purchases as (

    select
        order_id,
        customer_id

    from orders
    where not is_fully_refunded

),

customer_products as (

    select distinct
        customer_id,
        product_id

    from purchase_lines
    where product_id is not null

),

-- everyone with a purchase, whether or not its lines name a product
buyers as (

    select count(distinct customer_id) as buying_customers
    from purchases

),

product_buyers as (

    select
        product_id,
        count(*) as customers

    from customer_products
    group by product_id

),

-- a product's category: the alphabetically first non-null category it appears with in any event
product_categories as (

    select
        product_id,
        min({{ text_sort_key('category') }}) as category

    from events
    where
        product_id is not null
        and category is not null
    group by product_id

),

pairs as (

    select
        bought_x.product_id as product_x,
        bought_y.product_id as product_y,
        count(*) as customers_both

    from customer_products as bought_x
    inner join customer_products as bought_y
        on
            bought_x.customer_id = bought_y.customer_id
            and bought_x.product_id != bought_y.product_id
    group by bought_x.product_id, bought_y.product_id
    having count(*) >= {{ min_customers }}

),

scored as (

    -- `support` is a keyword to sqlfluff, but it is the published column name
    select
        pairs.product_x,
        pairs.product_y,
        buyers_x.customers as customers_x,
        buyers_y.customers as customers_y,
        pairs.customers_both,
        cast(pairs.customers_both as {{ type_double() }})
        / cast(buyers.buying_customers as {{ type_double() }}) as support,  -- noqa: RF04
        cast(pairs.customers_both as {{ type_double() }})
        / cast(buyers_x.customers as {{ type_double() }}) as confidence,
        -- confidence / (customers_y / buying_customers), as one division of exact integers
        cast(pairs.customers_both * buyers.buying_customers as {{ type_double() }})
        / cast(buyers_x.customers * buyers_y.customers as {{ type_double() }}) as lift

    from pairs
    cross join buyers
    inner join product_buyers as buyers_x
        on pairs.product_x = buyers_x.product_id
    inner join product_buyers as buyers_y
        on pairs.product_y = buyers_y.product_id

),

-- y within x: highest lift, then highest confidence, then product_y (unique within x: total order)
ranked as (

    select
        scored.*,
        row_number() over (
            partition by scored.product_x
            order by
                scored.lift desc,
                scored.confidence desc,
                {{ text_sort_key('scored.product_y') }} asc
        ) as rank_within_product_x

    from scored

),

final as (

    select
        ----------  products
        ranked.product_x,
        categories_x.category as category_x,
        ranked.product_y,
        categories_y.category as category_y,

        ----------  customer counts
        cast(ranked.customers_x as {{ dbt.type_bigint() }}) as customers_x,
        cast(ranked.customers_y as {{ dbt.type_bigint() }}) as customers_y,
        cast(ranked.customers_both as {{ dbt.type_bigint() }}) as customers_both,

        ----------  ratios
        ranked.support,
        ranked.confidence,
        ranked.lift,
        cast(ranked.rank_within_product_x as {{ dbt.type_bigint() }}) as rank_within_product_x,

        ----------  dates
        as_of.as_of_date

    from ranked
    cross join as_of
    left join product_categories as categories_x
        on ranked.product_x = categories_x.product_id
    left join product_categories as categories_y
        on ranked.product_y = categories_y.product_id

)

select * from final
