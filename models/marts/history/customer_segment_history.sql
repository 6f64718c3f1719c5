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
    data on or before that date by the same rules as the current marts
    (macros/segmentation/rfm_scores.sql, lifecycle_stage.sql, value_tier.sql).

    Incremental by as-of date: an incremental run rebuilds only the dates that changed, which
    macros/history/history_dates_to_build.sql works out (new period ends, periods touched by
    late orders, customers whose built rows no longer hold, backfill vars); each date is
    replaced whole. The purchase metrics of many dates come from
    purchase_metrics_by_as_of_date_ctes, linear in purchases + rows.
-#}

{#- the imports the dates-to-build comparison reads too (on Spark it runs them as a query first) #}
{%- set comparison_inputs %}
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

)
{%- endset %}

with

{{ comparison_inputs }},

-- read only with var rfm_scoring_method: fixed
fixed_cut_points as ( -- noqa: ST03

    select * from {{ ref('rfm_fixed_cut_points') }}

),

segment_map as (

    select * from {{ ref('rfm_segment_map') }}

),

segments as (

    select * from {{ ref('rfm_segments') }}

),

tiers as (

    select * from {{ ref('value_tiers') }}

),

groups as (

    select * from {{ ref('rfm_segment_groups') }}

),

stages as (

    select * from {{ ref('lifecycle_stages') }}

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
    {{ history_dates_to_build(comparison_inputs) }},

    as_of_dates as (

        {{ history_dates_computed('spine', 'dates_to_build') }}

    ),
{% else %}
    as_of_dates as (

        select as_of_date from spine

    ),
{% endif %}

{{ purchase_metrics_by_as_of_date_ctes('purchases', 'as_of_dates') }},

-- RFM (macros/segmentation/rfm_scores.sql)

rfm_cut_points as (

    {{ rfm_cut_points('purchase_metrics', 'fixed_cut_points') }}

),

rfm_scored as (

    select
        purchase_metrics.as_of_date,
        purchase_metrics.customer_key,
        purchase_metrics.frequency,
        purchase_metrics.monetary,
        {{ rfm_score('purchase_metrics.recency_days', 'rfm_cut_points', 'recency_days') }} as r_score,
        {{ rfm_score('purchase_metrics.frequency', 'rfm_cut_points', 'frequency') }} as f_score,
        {{ rfm_score('purchase_metrics.monetary', 'rfm_cut_points', 'monetary') }} as m_score
    from purchase_metrics
    inner join rfm_cut_points
        on purchase_metrics.as_of_date = rfm_cut_points.as_of_date

),

rfm_fm_scored as (

    select
        *,
        {{ rfm_fm_score('f_score', 'm_score') }} as fm_score
    from rfm_scored

),

rfm_segmented as (

    select
        rfm_fm_scored.*,
        segment_map.segment_code as rfm_segment,
        segments.group_code as rfm_group
    from rfm_fm_scored
    left join segment_map
        on
            rfm_fm_scored.r_score = segment_map.r_score
            and rfm_fm_scored.fm_score = segment_map.fm_score
    left join segments
        on segment_map.segment_code = segments.segment_code

),

-- lifecycle stage (macros/segmentation/lifecycle_stage.sql) of everyone who exists on the date

existing_customers as (

    {{ existing_customers('customers', 'as_of_dates', 'purchase_metrics') }}

),

lifecycle_staged as (

    select
        existing_customers.as_of_date,
        existing_customers.customer_key,
        purchase_metrics.recency_days,
        coalesce(purchase_metrics.lifetime_purchases, 0) as lifetime_purchases,
        {{ lifecycle_stage('purchase_metrics') }} as lifecycle_stage
    from existing_customers
    left join purchase_metrics
        on
            existing_customers.as_of_date = purchase_metrics.as_of_date
            and existing_customers.customer_key = purchase_metrics.customer_key

),

-- value tier (macros/segmentation/value_tier.sql)

revenue_ranked as (

    select
        as_of_date,
        customer_key,
        lifetime_revenue,
        {{ value_tier_cume_dist('lifetime_revenue') }} as revenue_cume_dist
    from purchase_metrics

),

tier_bounds as (

    {{ value_tier_bounds('tiers') }}

),

value_tiered as (

    select
        revenue_ranked.as_of_date,
        revenue_ranked.customer_key,
        revenue_ranked.lifetime_revenue,
        tier_bounds.tier_code as value_tier
    from revenue_ranked
    inner join tier_bounds
        on {{ in_value_tier('revenue_ranked.revenue_cume_dist', 'tier_bounds') }}

),

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
        cast(segment_names.name_en as {{ dbt.type_string() }}) as rfm_segment_name_en,
        cast(segment_names.name_zh as {{ dbt.type_string() }}) as rfm_segment_name_zh,
        cast(rfm_segmented.rfm_group as {{ dbt.type_string() }}) as rfm_group,
        cast(groups.name_en as {{ dbt.type_string() }}) as rfm_group_name_en,
        cast(groups.name_zh as {{ dbt.type_string() }}) as rfm_group_name_zh,

        -- lifecycle and value
        cast(lifecycle_staged.lifecycle_stage as {{ dbt.type_string() }}) as lifecycle_stage,
        cast(stages.name_en as {{ dbt.type_string() }}) as lifecycle_stage_name_en,
        cast(stages.name_zh as {{ dbt.type_string() }}) as lifecycle_stage_name_zh,
        cast(value_tiered.value_tier as {{ dbt.type_string() }}) as value_tier,
        cast(tiers.name_en as {{ dbt.type_string() }}) as value_tier_name_en,
        cast(tiers.name_zh as {{ dbt.type_string() }}) as value_tier_name_zh,

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
    -- display names (lookup seeds)
    left join segments as segment_names
        on rfm_segmented.rfm_segment = segment_names.segment_code
    left join groups
        on rfm_segmented.rfm_group = groups.group_code
    left join stages
        on lifecycle_staged.lifecycle_stage = stages.stage_code
    left join tiers
        on value_tiered.value_tier = tiers.tier_code
    {% if is_incremental() %}
        -- the dates this run builds: all computed dates but in a Spark unit test (history_dates_computed)
        where lifecycle_staged.as_of_date in (select dates_to_build.as_of_date from dates_to_build)
    {% endif %}

)

select * from final
