{{ config(materialized='table') }}

{#- Every raw product row, classified clean / superseded (repeated id) / rejected. -#}

{%- set raw_columns = ['product_id', 'product_name', 'category', 'brand', '_loaded_at'] %}

with

source as (

    select * from {{ raw_source('shop', 'products') }}

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

        -- audit
        {{ row_fingerprint(raw_columns) }} as raw_row_hash,
        {{ row_as_text(raw_columns) }} as raw_values

    from source

),

classified as (

    select
        *,
        case
            when product_id is null then 'missing_product_id'
        end as reject_reason
    from typed

),

{#- kept version: latest load first -#}
{{ row_status_ctes('classified', ['product_id'], 'loaded_at desc, raw_row_hash desc') }}

select * from final
