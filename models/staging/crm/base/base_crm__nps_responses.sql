{{ config(materialized='table') }}

{#- Every raw NPS answer, typed and classified clean / superseded (repeated response_id) / rejected. -#}

{#- the typed columns, in order (the raw__ ones are dropped after classification) -#}
{%- set typed_columns = [
    'response_id',
    'customer_id',
    'score',
    'response_comment',
    'responded_at',
    'loaded_at',
] %}
{#- when a row was known to exist: a timestamp later than it is from the future -#}
{%- set known_at = loaded_at_or_extract('loaded_at', '(select newest_loaded_at from newest_load)') %}

with

source as {{ not_materialized() }} (

    select * from {{ raw_source(source('crm', 'nps_responses'), ref('raw_nps_responses')) }}

),

typed as (

    select
        -- ids
        {{ clean_text('response_id') }} as response_id,
        {{ clean_text('customer_id') }} as customer_id,

        -- answer
        {{ safe_cast('score', dbt.type_int()) }} as score,
        {{ clean_text('comment') }} as response_comment,

        -- timestamps
        {{ safe_cast('responded_at', dbt.type_timestamp()) }} as responded_at,
        {{ safe_cast('_loaded_at', dbt.type_timestamp()) }} as loaded_at,

        -- raw values as they arrived (fingerprint and text of the rows that need them)
        {{ raw_columns_carried('crm.nps_responses') }}

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
            when response_id is null then 'missing_response_id'
            when customer_id is null then 'missing_customer_id'
            when
                {{ any_timestamp_unparsed(['responded_at', 'loaded_at']) }}
                then 'invalid_timestamp'
            when responded_at is null then 'missing_responded_at'
            when {{ is_before_earliest_valid_date('responded_at') }} then 'before_earliest_valid_date'
            when {{ is_unparsed('raw__score', 'score') }} then 'invalid_number'
            when score is null then 'missing_score'
            when score < 0 or score > 10 then 'score_out_of_range'
            when responded_at > {{ known_at }} then 'future_timestamp'
        end as reject_reason
    from typed

),

{#- kept version: latest load first -#}
{{ row_status_ctes(
    classified='classified',
    columns=typed_columns,
    key_columns=['response_id'],
    keep_order='loaded_at desc, raw_row_hash desc',
    keep_value='loaded_at',
    table_name='crm.nps_responses'
) }}

select * from final
