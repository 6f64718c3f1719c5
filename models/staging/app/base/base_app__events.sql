{{
    config(
        materialized=fact_materialization(),
        unique_key=version_group('event_id'),
        incremental_strategy=fact_incremental_strategy(),
        on_schema_change='fail',
    )
}}

{#-
    Every raw event, typed and classified: clean (first delivery of an event_id), superseded
    (a redelivery of the same event_id) or rejected with a reason.
-#}

{#- the typed columns, in order (the raw__ ones are dropped after classification) -#}
{%- set typed_columns = [
    'event_id',
    'customer_id',
    'anonymous_id',
    'session_id',
    'product_id',
    'event_type',
    'platform',
    'utm_source',
    'utm_medium',
    'utm_campaign',
    'occurred_at',
    'loaded_at',
] %}
{#- when a row was known to exist: a timestamp later than it is from the future -#}
{%- set known_at = loaded_at_or_extract('loaded_at', '(select newest_loaded_at from newest_load)') %}

with

source as {{ not_materialized() }} (

    select * from {{ raw_source(source('app', 'events'), ref('raw_events')) }}

),

{#- an incremental run: the raw rows loaded since the last run, and the earlier rows of their
    event_ids held by this model (changed_version_ctes) -#}
{{ changed_version_ctes('source', 'event_id') }}

typed as {{ not_materialized() }} (

    select
        -- ids
        {{ clean_text('event_id') }} as event_id,
        {{ clean_text('customer_id') }} as customer_id,
        {{ clean_text('anonymous_id') }} as anonymous_id,
        {{ clean_text('session_id') }} as session_id,
        {{ clean_text('product_id') }} as product_id,

        -- strings
        lower({{ clean_text('event_type') }}) as event_type,
        lower({{ clean_text('platform') }}) as platform,
        lower({{ clean_text('utm_source') }}) as utm_source,
        lower({{ clean_text('utm_medium') }}) as utm_medium,
        {{ clean_text('utm_campaign') }} as utm_campaign,

        -- timestamps (UTC)
        {{ safe_cast('occurred_at', dbt.type_timestamp()) }} as occurred_at,
        {{ safe_cast('_loaded_at', dbt.type_timestamp()) }} as loaded_at,

        -- raw values as they arrived (fingerprint and text of the rows that need them)
        {{ raw_columns_carried('app.events') }}

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
            when event_id is null then 'missing_event_id'
            when event_type is null then 'missing_event_type'
            when
                {{ any_timestamp_unparsed(['occurred_at', 'loaded_at']) }}
                then 'invalid_timestamp'
            when occurred_at is null then 'missing_occurred_at'
            when {{ is_before_earliest_valid_date('occurred_at') }} then 'before_earliest_valid_date'
            when customer_id is null and anonymous_id is null then 'missing_actor'
            when occurred_at > {{ known_at }} then 'future_timestamp'
        end as reject_reason
    from typed

),

{#- kept version: first delivery wins -#}
{{ row_status_ctes(
    classified='classified',
    columns=typed_columns,
    key_columns=['event_id'],
    keep_order='loaded_at asc, raw_row_hash asc',
    keep_value='loaded_at',
    table_name='app.events',
    held_versions=true
) }}

select * from final
