{#-
    Every raw row of shop.order_items exactly as delivered (every raw column, untyped), with the key
    it carries cleaned as the base model cleans it (order_item_id) and its load time. A view:
    nothing is copied. int_rows_unattributed reads the raw values of the few clean rows that
    attribution rejects from it, and raw_row_reconciliation counts the raw rows with it.
-#}

with

source as (

    select * from {{ raw_source(source('shop', 'order_items'), ref('raw_order_items')) }}

),

final as (

    select
        {{ clean_text('order_item_id') }} as record_id,
        {{ safe_cast('_loaded_at', dbt.type_timestamp()) }} as loaded_at,
        source.*
    from source

)

select * from final
