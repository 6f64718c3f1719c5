{{
    config(
        materialized=fact_materialization(),
        unique_key=version_group('order_item_id'),
        incremental_strategy=fact_incremental_strategy(),
        on_schema_change='fail',
    )
}}

{#- Every raw order line, typed and classified clean / superseded (repeated id) / rejected. -#}

{#- the typed columns, in order (the raw__ ones are dropped after classification) -#}
{%- set typed_columns = [
    'order_item_id',
    'order_id',
    'product_id',
    'quantity',
    'unit_price',
    'loaded_at',
] %}

with

source as {{ not_materialized() }} (

    select * from {{ raw_source(source('shop', 'order_items'), ref('raw_order_items')) }}

),

{#- an incremental run: the raw rows loaded since the last run, and the earlier rows of their
    order_item_ids held by this model (changed_version_ctes) -#}
{{ changed_version_ctes('source', 'order_item_id') }}

typed as {{ not_materialized() }} (

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

        -- raw values as they arrived (fingerprint and text of the rows that need them)
        {{ raw_columns_carried('shop.order_items') }}

    from scoped

),

classified as {{ not_materialized() }} (

    select
        *,
        case
            when order_item_id is null then 'missing_order_item_id'
            when order_id is null then 'missing_order_id'
            when product_id is null then 'missing_product_id'
            when
                {{ any_timestamp_unparsed(['loaded_at']) }}
                then 'invalid_timestamp'
            -- before quantity x unit_price is computed in decimals (stg_shop__order_items)
            when
                {{ raw_as_double('raw__quantity') }} * {{ raw_as_double('raw__unit_price') }}
                > {{ var('max_line_amount') }}
                then 'amount_above_maximum'
            when
                {{ is_unparsed('raw__quantity', 'quantity') }}
                or {{ is_unparsed('raw__unit_price', 'unit_price') }}
                then 'invalid_number'
            when quantity is null or quantity <= 0 then 'invalid_quantity'
            when unit_price is null or unit_price < 0 then 'invalid_unit_price'
        end as reject_reason
    from typed

),

{#- kept version: latest load first -#}
{{ row_status_ctes(
    classified='classified',
    columns=typed_columns,
    key_columns=['order_item_id'],
    keep_order='loaded_at desc, raw_row_hash desc',
    keep_value='loaded_at',
    table_name='shop.order_items',
    held_versions=true
) }}

select * from final
