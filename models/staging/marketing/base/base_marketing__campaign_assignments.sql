{{ config(materialized='table') }}

{#-
    Every raw assignment, classified clean (the first assignment of a customer to a
    campaign), superseded (a repeated assignment) or rejected.
-#}

{%- set raw_columns = ['campaign_id', 'customer_id', 'variant', 'assigned_at', '_loaded_at'] %}

with

source as (

    select * from {{ raw_source('marketing', 'campaign_assignments') }}

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

        -- audit
        {{ row_fingerprint(raw_columns) }} as raw_row_hash,
        {{ row_as_text(raw_columns) }} as raw_values

    from source

),

classified as (

    select
        *,
        case
            when campaign_id is null then 'missing_campaign_id'
            when customer_id is null then 'missing_customer_id'
            when variant is null then 'unknown_variant'
            when assigned_at is null then 'missing_assigned_at'
            when assigned_at > {{ loaded_at_or_extract('loaded_at') }} then 'future_timestamp'
        end as reject_reason
    from typed

),

{#- kept version: the first assignment stands: re-randomising a customer would bias the test -#}
{{ row_status_ctes('classified', ['campaign_id', 'customer_id'], 'assigned_at asc, raw_row_hash asc') }}

select * from final
