{{
    config(
        materialized=fact_materialization(),
        unique_key='event_id',
        incremental_strategy=fact_incremental_strategy(),
        on_schema_change='append_new_columns',
    )
}}

{#-
    Events re-pointed to the person (customer_key). Anonymous events (no customer_id) are
    kept with a null customer_key; events naming an unknown customer_id are reported in
    int_rows_unattributed.
-#}

-- depends_on: {{ ref('stg_crm__customers') }}

with

events as (

    select * from {{ ref('stg_app__events') }}
    {% if is_incremental() %}
        -- rows loaded since the last build, minus var fact_lookback_days for late arrivals
        where
            loaded_at is null
            or loaded_at > ({{ incremental_watermark('loaded_at') }})
            or customer_id in ({{ customer_ids_changed_since_watermark() }})
    {% endif %}

),

id_map as (

    select * from {{ ref('int_customer_ids_mapped') }}

),

final as (

    select
        -- ids
        events.event_id,
        id_map.customer_key,
        events.customer_id as source_customer_id,
        events.anonymous_id,
        events.session_id,
        events.product_id,

        -- strings
        events.event_type,
        events.platform,
        events.utm_source,
        events.utm_medium,
        events.utm_campaign,

        -- flags
        events.customer_id is null as is_anonymous,
        coalesce(id_map.is_test_account, false) as is_test_account,

        -- timestamps
        events.occurred_at,
        events.occurred_at_local,
        events.event_date,
        events.loaded_at

    from events
    left join id_map
        on events.customer_id = id_map.source_customer_id
    where events.customer_id is null or id_map.customer_key is not null

)

select * from final
