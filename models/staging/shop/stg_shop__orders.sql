{#- One row per order: its newest valid version, amounts still in the order currency. -#}

with

base as (

    select * from {{ ref('base_shop__orders') }}

),

final as (

    select
        -- ids
        order_id,
        customer_id,

        -- strings
        order_status,
        currency_code,
        sales_channel,

        -- numerics (order currency); a missing discount or refund means none
        gross_amount,
        coalesce(raw_discount_amount, 0) as discount_amount,
        coalesce(raw_refunded_amount, 0) as refunded_amount,

        -- timestamps
        ordered_at,
        {{ to_local_timestamp('ordered_at') }} as ordered_at_local,
        {{ local_date('ordered_at') }} as order_date,
        coalesce(updated_at, ordered_at) as updated_at,
        loaded_at

    from base
    where row_status = 'clean'

)

select * from final
