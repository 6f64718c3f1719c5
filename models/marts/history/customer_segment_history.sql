{{
    config(
        materialized='incremental',
        unique_key='as_of_date',
        incremental_strategy=fact_incremental_strategy(),
        partition_by=date_key_partition_by('as_of_date'),
        on_schema_change='append_new_columns',
    )
}}

{#-
    Point-in-time segment history: for every as-of date of the spine (int_as_of_dates_spined)
    each customer's RFM scores and segment, lifecycle stage and value tier, computed only from
    data on or before that date by the same macros as the current marts.

    Incremental by as-of date (each date is replaced whole): a run computes the spine dates
    after the last one built, every date on or after the earliest order date (or signup) of
    orders or customers loaded since the last build (less var fact_lookback_days) - so a late
    refund rewrites every period it touches - and, for backfills, the dates between vars
    history_rebuild_from and history_rebuild_to.
-#}

-- depends_on: {{ ref('rfm_fixed_cut_points') }}

with

spine as (

    select * from {{ ref('int_as_of_dates_spined') }}

),

purchases as (

    select * from {{ ref('int_purchases_filtered') }}

),

orders as (

    select * from {{ ref('int_orders_attributed') }}

),

customers as (

    select * from {{ ref('int_customers_merged') }}

),

{% if var('rfm_scoring_method') == 'fixed' %}
    fixed_cut_points as (

        select * from {{ ref('rfm_fixed_cut_points') }}

    ),
{% endif %}

segment_map as (

    select * from {{ ref('rfm_segment_map') }}

),

segments as (

    select * from {{ ref('rfm_segments') }}

),

tiers as (

    select * from {{ ref('value_tiers') }}

),

source_watermark as (

    select max(loaded_at) as source_loaded_at
    from (
        select loaded_at from orders
        union all
        select loaded_at from customers
    ) as loads

),

{% if is_incremental() %}
    built as (

        select
            max(as_of_date) as last_as_of_date,
            {{ dbt.dateadd('day', -1 * var('fact_lookback_days') | int, 'max(source_loaded_at)') }}
                as built_watermark
        from {{ this }}

    ),

    changed_since as (

        select min(changed_date) as changed_from
        from (
            select orders.order_date as changed_date
            from orders
            cross join built
            where orders.loaded_at > built.built_watermark or orders.loaded_at is null
            union all
            select customers.signup_date as changed_date
            from customers
            cross join built
            where customers.loaded_at > built.built_watermark or customers.loaded_at is null
        ) as changes

    ),

    as_of_dates as (

        select spine.as_of_date
        from spine
        cross join built
        cross join changed_since
        where
            built.last_as_of_date is null
            or spine.as_of_date > built.last_as_of_date
            or spine.as_of_date >= changed_since.changed_from
            -- backfill: vars history_rebuild_from / _to (unset: 9999-12-31, which matches nothing)
            or spine.as_of_date between
            cast('{{ var("history_rebuild_from") or "9999-12-31" }}' as date)
            and cast('{{ var("history_rebuild_to") or "9999-12-31" }}' as date)

    ),
{% else %}
    as_of_dates as (

        select as_of_date from spine

    ),
{% endif %}

{{ purchase_metrics_ctes('purchases', 'as_of_dates') }},

{{ rfm_score_ctes('purchase_metrics_final', 'fixed_cut_points') }},

{{ rfm_segment_ctes('rfm_scores', 'segment_map', 'segments') }},

{{ existing_customers_ctes('customers', 'as_of_dates', 'purchase_metrics_final') }},

{{ lifecycle_stage_ctes('existing_customers', 'purchase_metrics_final') }},

{{ value_tier_ctes('purchase_metrics_final', 'tiers') }},

final as (

    select
        -- keys
        cast(lifecycle_staged.as_of_date as date) as as_of_date,
        cast(lifecycle_staged.customer_key as {{ dbt.type_string() }}) as customer_key,

        -- measures
        cast(lifecycle_staged.recency_days as {{ dbt.type_int() }}) as recency_days,
        cast(rfm_segmented.frequency as {{ dbt.type_int() }}) as frequency,
        cast(rfm_segmented.monetary as {{ amount_type() }}) as monetary,
        cast(lifecycle_staged.lifetime_purchases as {{ dbt.type_int() }}) as lifetime_purchases,
        cast(coalesce(value_tiered.lifetime_revenue, 0) as {{ amount_type() }}) as lifetime_revenue,

        -- rfm
        cast(rfm_segmented.r_score as {{ dbt.type_int() }}) as r_score,
        cast(rfm_segmented.f_score as {{ dbt.type_int() }}) as f_score,
        cast(rfm_segmented.m_score as {{ dbt.type_int() }}) as m_score,
        cast(rfm_segmented.fm_score as {{ dbt.type_int() }}) as fm_score,
        cast(rfm_segmented.rfm_segment as {{ dbt.type_string() }}) as rfm_segment,
        cast(rfm_segmented.rfm_group as {{ dbt.type_string() }}) as rfm_group,

        -- lifecycle and value
        cast(lifecycle_staged.lifecycle_stage as {{ dbt.type_string() }}) as lifecycle_stage,
        cast(value_tiered.value_tier as {{ dbt.type_string() }}) as value_tier,

        -- lineage
        cast(source_watermark.source_loaded_at as {{ dbt.type_timestamp() }}) as source_loaded_at

    from lifecycle_staged
    cross join source_watermark
    left join rfm_segmented
        on
            lifecycle_staged.as_of_date = rfm_segmented.as_of_date
            and lifecycle_staged.customer_key = rfm_segmented.customer_key
    left join value_tiered
        on
            lifecycle_staged.as_of_date = value_tiered.as_of_date
            and lifecycle_staged.customer_key = value_tiered.customer_key

)

select * from final
