{{ config(materialized='table') }}

{#- Every raw order line, typed and classified clean / superseded (repeated id) / rejected. -#}

{%- set raw_columns = ['order_item_id', 'order_id', 'product_id', 'quantity', 'unit_price', '_loaded_at'] %}

with

source as (

    select * from {{ raw_source('shop', 'order_items') }}

),

typed as (

    select
        -- ids
        {{ clean_text('order_item_id') }} as order_item_id,
        {{ clean_text('order_id') }} as order_id,
        {{ clean_text('product_id') }} as product_id,

        -- numerics
        {{ safe_cast('quantity', dbt.type_int()) }} as quantity,
        {{ safe_cast('unit_price', amount_type()) }} as unit_price,

        -- timestamps
        {{ safe_cast('_loaded_at', dbt.type_timestamp()) }} as loaded_at,

        -- audit
        {{ row_fingerprint(raw_columns) }} as raw_row_hash,
        {{ row_as_text(raw_columns) }} as raw_values

    from source

),

classified as (

    select
        *,
        case
            when order_item_id is null then 'missing_order_item_id'
            when order_id is null then 'missing_order_id'
            when product_id is null then 'missing_product_id'
            when quantity is null or quantity <= 0 then 'invalid_quantity'
            when unit_price is null or unit_price < 0 then 'invalid_unit_price'
        end as reject_reason
    from typed

),

versioned as (

    select
        *,
        row_number() over (
            partition by order_item_id, reject_reason
            order by loaded_at desc, raw_row_hash desc
        ) as version_rank
    from classified

),

final as (

    select
        *,
        case
            when reject_reason is not null then 'rejected'
            when version_rank > 1 then 'superseded'
            else 'clean'
        end as row_status
    from versioned

)

select * from final
