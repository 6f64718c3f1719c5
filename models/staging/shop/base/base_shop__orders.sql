{{
    config(
        materialized=fact_materialization(),
        unique_key=version_group('order_id'),
        incremental_strategy=fact_incremental_strategy(),
        on_schema_change='fail',
    )
}}

{#-
    Every raw order row, typed and classified: clean (the newest valid version of an
    order_id), superseded (an older version, e.g. 'paid' before the later 'refunded') or
    rejected with a reason.
-#}

{#- the typed columns, in order (the raw__ ones are dropped after classification) -#}
{%- set typed_columns = [
    'order_id',
    'customer_id',
    'order_status',
    'raw_status',
    'currency_code',
    'sales_channel',
    'gross_amount',
    'raw_discount_amount',
    'raw_refunded_amount',
    'ordered_at',
    'updated_at',
    'loaded_at',
] %}
{#- when a row was known to exist: a timestamp later than it is from the future -#}
{%- set known_at = loaded_at_or_extract('loaded_at', '(select newest_loaded_at from newest_load)') %}

with

source as {{ not_materialized() }} (

    select * from {{ raw_source(source('shop', 'orders'), ref('raw_orders')) }}

),

{#- an incremental run: the raw rows loaded since the last run, and the earlier rows of their
    order_ids held by this model (changed_version_ctes) -#}
{{ changed_version_ctes('source', 'order_id') }}

typed as {{ not_materialized() }} (

    select
        -- ids
        {{ clean_text('order_id') }} as order_id,
        {{ clean_text('customer_id') }} as customer_id,

        -- strings
        {{ normalize_order_status('status') }} as order_status,
        lower({{ clean_text('status') }}) as raw_status,
        upper({{ clean_text('currency') }}) as currency_code,
        lower({{ clean_text('sales_channel') }}) as sales_channel,

        -- numerics (order currency)
        {{ safe_cast('gross_amount', amount_type()) }} as gross_amount,
        {{ safe_cast('discount_amount', amount_type()) }} as raw_discount_amount,
        {{ safe_cast('refunded_amount', amount_type()) }} as raw_refunded_amount,

        -- timestamps (UTC)
        {{ safe_cast('ordered_at', dbt.type_timestamp()) }} as ordered_at,
        {{ safe_cast('updated_at', dbt.type_timestamp()) }} as updated_at,
        {{ safe_cast('_loaded_at', dbt.type_timestamp()) }} as loaded_at,

        -- raw values as they arrived (fingerprint and text of the rows that need them)
        {{ raw_columns_carried('shop.orders') }}

    from scoped

),

newest_load as (

    -- the newest load of the rows classified: a row without _loaded_at was delivered by then
    select max(loaded_at) as newest_loaded_at from typed

),

classified as {{ not_materialized() }} (

    select
        *,
        case
            when order_id is null then 'missing_order_id'
            when customer_id is null then 'missing_customer_id'
            when
                {{ any_timestamp_unparsed(['ordered_at', 'updated_at', 'loaded_at']) }}
                then 'invalid_timestamp'
            when ordered_at is null then 'missing_ordered_at'
            when {{ is_before_earliest_valid_date('ordered_at') }} then 'before_earliest_valid_date'
            when order_status is null then 'unknown_status'
            when currency_code is null then 'missing_currency'
            when
                {{ raw_as_double('raw__gross_amount') }} > {{ var('max_order_amount') }}
                or {{ raw_as_double('raw__discount_amount') }} > {{ var('max_order_amount') }}
                or {{ raw_as_double('raw__refunded_amount') }} > {{ var('max_order_amount') }}
                then 'amount_above_maximum'
            when
                {{ is_unparsed('raw__gross_amount', 'gross_amount') }}
                or {{ is_unparsed('raw__discount_amount', 'raw_discount_amount') }}
                or {{ is_unparsed('raw__refunded_amount', 'raw_refunded_amount') }}
                then 'invalid_number'
            when gross_amount is null then 'missing_gross_amount'
            when gross_amount < 0 then 'negative_gross_amount'
            when raw_discount_amount < 0 or raw_refunded_amount < 0 then 'negative_adjustment'
            -- ordered_at is not null here; greatest() skips a null updated_at
            when greatest(ordered_at, updated_at) > {{ known_at }} then 'future_timestamp'
        end as reject_reason
    from typed

),

{#- kept version: newest version first; a version without updated_at counts as its ordered_at -#}
{{ row_status_ctes(
    classified='classified',
    columns=typed_columns,
    key_columns=['order_id'],
    keep_order='coalesce(updated_at, ordered_at) desc, raw_row_hash desc',
    keep_value='coalesce(updated_at, ordered_at)',
    table_name='shop.orders',
    held_versions=true
) }}

select * from final
