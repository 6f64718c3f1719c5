{{
    config(
        materialized=fact_materialization(),
        unique_key=version_group('customer_id'),
        incremental_strategy=fact_incremental_strategy(),
        on_schema_change='fail',
    )
}}

{#-
    Every raw customer row, typed and classified: clean (the newest valid version of a
    customer_id), superseded (an older or duplicate version) or rejected (with a reason).
    stg_crm__customers keeps the clean rows; rejected_rows reports the rest.
    Incremental like the fact-sized base models: a run reclassifies only the customer_ids with a
    row loaded since the last run (changed_version_ctes); the identity models after it
    still read every clean row.
-#}

{#- the typed columns, in order (the raw__ ones are dropped after classification) -#}
{%- set typed_columns = [
    'customer_id',
    'referred_by_customer_id',
    'email_normalized',
    'phone_normalized',
    'has_email',
    'has_phone',
    'full_name',
    'gender',
    'birth_date',
    'city',
    'province',
    'country_code',
    'acquisition_channel',
    'member_level',
    'is_marketing_opt_in',
    'is_test_account',
    'signup_at',
    'updated_at',
    'loaded_at',
] %}
{#- when a row was known to exist: a timestamp later than it is from the future -#}
{%- set known_at = loaded_at_or_extract('loaded_at', '(select newest_loaded_at from newest_load)') %}

with

source as {{ not_materialized() }} (

    select * from {{ raw_source(source('crm', 'customers'), ref('raw_customers')) }}

),

{#- an incremental run: the raw rows loaded since the last run, and the earlier rows of their
    customer_ids held by this model (changed_version_ctes) -#}
{{ changed_version_ctes('source', 'customer_id') }}

typed as (

    select
        -- ids
        {{ clean_text('customer_id') }} as customer_id,
        {{ clean_text('referred_by_customer_id') }} as referred_by_customer_id,

        -- contact (normalised for matching; raw values never leave staging)
        {{ normalize_email('email') }} as email_normalized,
        {{ normalize_phone('phone') }} as phone_normalized,
        {{ clean_text('email') }} is not null as has_email,
        {{ clean_text('phone') }} is not null as has_phone,

        -- profile
        {{ clean_text('full_name') }} as full_name,
        {{ normalize_gender('gender') }} as gender,
        {{ safe_cast('birth_date', 'date') }} as birth_date,
        {{ clean_text('city') }} as city,
        {{ clean_text('province') }} as province,
        upper({{ clean_text('country_code') }}) as country_code,
        lower({{ clean_text('acquisition_channel') }}) as acquisition_channel,
        lower({{ clean_text('member_level') }}) as member_level,

        -- booleans
        {{ safe_cast('marketing_opt_in', dbt.type_boolean()) }} as is_marketing_opt_in,
        coalesce({{ safe_cast('is_test_account', dbt.type_boolean()) }}, false) as is_test_account,

        -- timestamps (UTC)
        {{ safe_cast('signup_at', dbt.type_timestamp()) }} as signup_at,
        {{ safe_cast('updated_at', dbt.type_timestamp()) }} as updated_at,
        {{ safe_cast('_loaded_at', dbt.type_timestamp()) }} as loaded_at,

        -- raw values as they arrived (fingerprint and text of the rows that need them)
        {{ raw_columns_carried('crm.customers') }}

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
            when customer_id is null then 'missing_customer_id'
            when
                {{ any_timestamp_unparsed(['updated_at', 'signup_at', 'loaded_at']) }}
                then 'invalid_timestamp'
            when updated_at is null then 'missing_updated_at'
            when signup_at is null then 'missing_signup_at'
            when {{ is_before_earliest_valid_date('signup_at') }} then 'before_earliest_valid_date'
            when greatest(signup_at, updated_at) > {{ known_at }} then 'future_timestamp'
        end as reject_reason
    from typed

),

{#- kept version: newest version first; identical timestamps are broken by the row's fingerprint -#}
{{ row_status_ctes(
    classified='classified',
    columns=typed_columns,
    key_columns=['customer_id'],
    keep_order='updated_at desc, raw_row_hash desc',
    keep_value='updated_at',
    table_name='crm.customers',
    held_versions=true
) }}

select * from final
