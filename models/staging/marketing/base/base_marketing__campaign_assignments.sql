{{ config(materialized='table') }}

{#-
    Every raw assignment, classified clean (the first assignment of a customer to a
    campaign), superseded (a repeated assignment) or rejected.
-#}

{#- the typed columns, in order (the raw__ ones are dropped after classification) -#}
{%- set typed_columns = [
    'campaign_id',
    'customer_id',
    'variant',
    'assigned_at',
    'loaded_at',
] %}

with

source as {{ not_materialized() }} (

    select *
    from {{ raw_source(source('marketing', 'campaign_assignments'), ref('raw_campaign_assignments')) }}

),

typed as (

    select
        -- ids
        {{ clean_text('campaign_id') }} as campaign_id,
        {{ clean_text('customer_id') }} as customer_id,

        -- strings
        {{ normalize_code('variant', var('campaign_variants')) }} as variant,

        -- timestamps (UTC)
        {{ safe_cast('assigned_at', dbt.type_timestamp()) }} as assigned_at,
        {{ safe_cast('_loaded_at', dbt.type_timestamp()) }} as loaded_at,

        -- raw values as they arrived (fingerprint and text of the rows that need them)
        {{ raw_columns_carried('marketing.campaign_assignments') }}

    from source

),

{#- the newest load of the rows classified: the time a row without _loaded_at was known by -#}
newest_load as (

    select max(loaded_at) as newest_loaded_at from typed

),

classified as {{ not_materialized() }} (

    select
        typed.*,
        case
            when typed.campaign_id is null then 'missing_campaign_id'
            when typed.customer_id is null then 'missing_customer_id'
            when typed.variant is null then 'unknown_variant'
            when {{ any_timestamp_unparsed(['assigned_at', 'loaded_at'], 'typed.') }} then 'invalid_timestamp'
            when typed.assigned_at is null then 'missing_assigned_at'
            when {{ is_before_earliest_valid_date('typed.assigned_at') }} then 'before_earliest_valid_date'
            when typed.assigned_at > {{ loaded_at_or_extract('typed.loaded_at', 'newest_load.newest_loaded_at') }} then 'future_timestamp'
        end as reject_reason
    from typed
    cross join newest_load

),

{#- kept version: the first assignment stands: re-randomising a customer would bias the test -#}
{{ row_status_ctes(
    classified='classified',
    columns=typed_columns,
    key_columns=['campaign_id', 'customer_id'],
    keep_order='assigned_at asc, raw_row_hash asc',
    keep_value='assigned_at',
    table_name='marketing.campaign_assignments'
) }}

select * from final
