{#-
    Order lines of attributed orders, with the product's category and brand and the line
    amount in var reporting_currency. Lines of unknown or quarantined orders are reported in
    int_rows_unattributed; lines of products missing from the catalogue keep category
    'unknown'.
-#}

with

order_items as (

    select * from {{ ref('stg_shop__order_items') }}

),

orders as (

    select * from {{ ref('int_orders_attributed') }}

),

products as (

    select * from {{ ref('stg_shop__products') }}

),

final as (

    select
        -- ids
        order_items.order_item_id,
        order_items.order_id,
        orders.customer_key,
        order_items.product_id,

        -- product
        coalesce(products.category, 'unknown') as category,
        products.brand,

        -- numerics
        order_items.quantity,
        cast(order_items.unit_price * orders.exchange_rate as {{ amount_type() }}) as unit_price,
        cast(order_items.line_amount * orders.exchange_rate as {{ amount_type() }}) as line_amount,

        -- order context
        orders.order_status,
        orders.order_date,
        orders.is_test_account

    from order_items
    inner join orders
        on order_items.order_id = orders.order_id
    left join products
        on order_items.product_id = products.product_id

)

select * from final
