{{ config(materialized='table') }}

{#- Every raw product row, classified clean / superseded (repeated id) / rejected. -#}

{#- the typed columns, in order (the raw__ ones are dropped after classification) -#}
{%- set typed_columns = [
    'product_id',
    'product_name',
    'category',
    'brand',
    'loaded_at',
] %}

with

source as {{ not_materialized() }} (

    select * from {{ raw_source(source('shop', 'products'), ref('raw_products')) }}

),

typed as (

    select
        -- ids
        {{ clean_text('product_id') }} as product_id,

        -- strings
        {{ clean_text('product_name') }} as product_name,
        coalesce(lower({{ clean_text('category') }}), 'unknown') as category,
        {{ clean_text('brand') }} as brand,

        -- timestamps
        {{ safe_cast('_loaded_at', dbt.type_timestamp()) }} as loaded_at,

        -- raw values as they arrived (fingerprint and text of the rows that need them)
        {{ raw_columns_carried('shop.products') }}

    from source

),

classified as {{ not_materialized() }} (

    select
        *,
        case
            when product_id is null then 'missing_product_id'
        end as reject_reason
    from typed

),

{#- kept version: latest load first -#}
{{ row_status_ctes(
    classified='classified',
    columns=typed_columns,
    key_columns=['product_id'],
    keep_order='loaded_at desc, raw_row_hash desc',
    keep_value='loaded_at',
    table_name='shop.products'
) }}

select * from final
