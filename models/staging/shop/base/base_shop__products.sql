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

versioned as (

    select
        *,
        row_number() over (
            partition by product_id, reject_reason
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
