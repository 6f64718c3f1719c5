{#- One row per product. -#}

with

base as (

    select * from {{ ref('base_shop__products') }}

),

final as (

    select
        -- ids
        product_id,

        -- strings
        product_name,
        category,
        brand,

        -- timestamps
        loaded_at

    from base
    where row_status = 'clean'

)

select * from final
