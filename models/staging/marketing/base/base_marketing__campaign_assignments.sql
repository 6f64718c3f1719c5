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
{#- when a row was known to exist: a timestamp later than it is from the future -#}
{%- set known_at = loaded_at_or_extract('loaded_at', '(select newest_loaded_at from newest_load)') %}

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

newest_load as (

    -- the newest load of the rows classified: a row without _loaded_at was delivered by then
    select max(loaded_at) as newest_loaded_at from typed

),

classified as {{ not_materialized() }} (

    select
        *,
        case
            when campaign_id is null then 'missing_campaign_id'
            when customer_id is null then 'missing_customer_id'
            when variant is null then 'unknown_variant'
            when
                {{ any_timestamp_unparsed(['assigned_at', 'loaded_at']) }}
                then 'invalid_timestamp'
            when assigned_at is null then 'missing_assigned_at'
            when {{ is_before_earliest_valid_date('assigned_at') }} then 'before_earliest_valid_date'
            when assigned_at > {{ known_at }} then 'future_timestamp'
        end as reject_reason
    from typed

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
