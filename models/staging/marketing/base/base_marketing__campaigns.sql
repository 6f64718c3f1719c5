{{ config(materialized='table') }}

{#- Every raw campaign row, classified clean / superseded (repeated id) / rejected. -#}

{#- the typed columns, in order (the raw__ ones are dropped after classification) -#}
{%- set typed_columns = [
    'campaign_id',
    'campaign_name',
    'channel',
    'target_segment',
    'conversion_window_days',
    'starts_at',
    'ends_at',
    'loaded_at',
] %}

with

source as {{ not_materialized() }} (

    select * from {{ raw_source(source('marketing', 'campaigns'), ref('raw_campaigns')) }}

),

typed as (

    select
        -- ids
        {{ clean_text('campaign_id') }} as campaign_id,

        -- strings
        {{ clean_text('campaign_name') }} as campaign_name,
        lower({{ clean_text('channel') }}) as channel,
        lower({{ clean_text('target_segment') }}) as target_segment,

        -- numerics
        {{ safe_cast('conversion_window_days', dbt.type_int()) }} as conversion_window_days,

        -- timestamps (UTC)
        {{ safe_cast('starts_at', dbt.type_timestamp()) }} as starts_at,
        {{ safe_cast('ends_at', dbt.type_timestamp()) }} as ends_at,
        {{ safe_cast('_loaded_at', dbt.type_timestamp()) }} as loaded_at,

        -- raw values as they arrived (fingerprint and text of the rows that need them)
        {{ raw_columns_carried('marketing.campaigns') }}

    from source

),

classified as {{ not_materialized() }} (

    select
        *,
        case
            when campaign_id is null then 'missing_campaign_id'
            when
                {{ any_timestamp_unparsed(['starts_at', 'ends_at', 'loaded_at']) }}
                then 'invalid_timestamp'
            when starts_at is null then 'missing_starts_at'
            when {{ is_before_earliest_valid_date('starts_at') }} then 'before_earliest_valid_date'
            when ends_at < starts_at then 'ends_before_start'
            when conversion_window_days is null or conversion_window_days < 0
                then 'invalid_conversion_window'
        end as reject_reason
    from typed

),

{#- kept version: latest load first -#}
{{ row_status_ctes(
    classified='classified',
    columns=typed_columns,
    key_columns=['campaign_id'],
    keep_order='loaded_at desc, raw_row_hash desc',
    keep_value='loaded_at',
    table_name='marketing.campaigns'
) }}

select * from final
