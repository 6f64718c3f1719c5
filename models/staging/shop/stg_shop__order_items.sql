{#- One row per order line with a positive quantity and a price. -#}

with

base as (

    select * from {{ ref('base_shop__order_items') }}

),

final as (

    select
        -- ids
        order_item_id,
        order_id,
        product_id,

        -- numerics (order currency)
        quantity,
        unit_price,
        cast(quantity * unit_price as {{ amount_type() }}) as line_amount,

        -- timestamps
        loaded_at

    from base
    where row_status = 'clean'

)

select * from final
