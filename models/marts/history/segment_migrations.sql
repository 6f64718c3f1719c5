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
    Who moved where between consecutive as-of dates of the history, for each segmentation
    (rfm_segment, rfm_group, lifecycle_stage, value_tier): one row per (to date, from label,
    to label) with the customers and their net revenue in the period. from_label 'entry' is a
    customer who did not exist on the previous date (a new customer); 'none' is a customer
    without a label in that segmentation (no purchase yet, so no RFM segment or value tier).
    The diagonal (from = to) is the unchanged customers. The first as-of date has no previous
    date: everyone enters.

    Incremental by as-of date, like the history it reads: a date's movements depend only on the
    history rows of that date and of the date before, and the history stamps the rows of every
    date it (re)builds with the newest load it read (source_loaded_at). So each date here records
    the newer of its two dates' stamps, and a run computes only the dates whose stamp or previous
    date differ from the recorded ones, or that are not built yet: the history's new dates, and
    the dates it rewrote for late data, with the date after each. A history backfill that read no
    newer load (vars history_rebuild_from / history_rebuild_to) keeps its stamps, so those vars
    rebuild the same dates here, and the dates after them. A date the history no longer has is
    left as it is, as the history leaves it (--full-refresh removes both).
-#}

{%- set segmentations = ['rfm_segment', 'rfm_group', 'lifecycle_stage', 'value_tier'] %}

with

history as (

    select * from {{ ref('customer_segment_history') }}

),

segments as (

    select * from {{ ref('rfm_segments') }}

),

groups as (

    select * from {{ ref('rfm_segment_groups') }}

),

stages as (

    select * from {{ ref('lifecycle_stages') }}

),

tiers as (

    select * from {{ ref('value_tiers') }}

),

label_names as (

    select * from {{ ref('label_names') }}

),

segmentation_names as (

    select * from label_names
    where code_set = 'segmentation'

),

-- the display names of every label a from / to column can hold: the lookup seeds' labels and the
-- pseudo-labels entry and none (label_names, code set migration_state) in every segmentation
label_display_names as (

    select
        'rfm_segment' as segmentation,
        segment_code as label,
        name_en,
        name_zh
    from segments
    union all
    select
        'rfm_group' as segmentation,
        group_code as label,
        name_en,
        name_zh
    from groups
    union all
    select
        'lifecycle_stage' as segmentation,
        stage_code as label,
        name_en,
        name_zh
    from stages
    union all
    select
        'value_tier' as segmentation,
        tier_code as label,
        name_en,
        name_zh
    from tiers
    {%- for segmentation in segmentations %}
        union all
        select
            '{{ segmentation }}' as segmentation,
            code as label,
            name_en,
            name_zh
        from label_names
        where code_set = 'migration_state'
    {%- endfor %}

),

history_dates as (

    select
        as_of_date,
        max(source_loaded_at) as source_loaded_at
    from history
    group by as_of_date

),

consecutive_dates as (

    select
        as_of_date,
        lag(as_of_date) over (order by as_of_date) as previous_as_of_date,
        source_loaded_at,
        lag(source_loaded_at) over (order by as_of_date) as previous_source_loaded_at
    from history_dates

),

dated as (

    select
        as_of_date,
        previous_as_of_date,
        -- lineage: the newer of the two dates' stamps (either date rebuilt changes it)
        case
            when source_loaded_at is null or previous_source_loaded_at > source_loaded_at
                then previous_source_loaded_at
            else source_loaded_at
        end as source_loaded_at
    from consecutive_dates

),

{% if is_incremental() %}
    built as (

        select
            as_of_date,
            max(previous_as_of_date) as previous_as_of_date,
            max(source_loaded_at) as source_loaded_at
        from {{ this }}
        group by as_of_date

    ),

    dates_to_build as (

        select dated.*
        from dated
        left join built
            on dated.as_of_date = built.as_of_date
        where
            built.as_of_date is null
            or {{ values_differ('dated.previous_as_of_date', 'built.previous_as_of_date') }}
            or {{ values_differ('dated.source_loaded_at', 'built.source_loaded_at') }}
            -- backfill: vars history_rebuild_from / _to, and the date after each
            or {{ in_history_rebuild_range('dated.as_of_date') }}
            or {{ in_history_rebuild_range('dated.previous_as_of_date') }}

    ),
{% else %}
    dates_to_build as (

        select * from dated

    ),
{% endif %}

history_to_build as (

    select
        dates_to_build.previous_as_of_date,
        dates_to_build.source_loaded_at,
        history.as_of_date,
        history.customer_key,
        {%- for segmentation in segmentations %}
            history.{{ segmentation }},
        {%- endfor %}
        history.lifetime_revenue
    from history
    inner join dates_to_build
        on history.as_of_date = dates_to_build.as_of_date

),

history_before as (

    select history.*
    from history
    inner join dates_to_build
        on history.as_of_date = dates_to_build.previous_as_of_date

),

movements as (

    select
        history_to_build.previous_as_of_date,
        history_to_build.as_of_date,
        history_to_build.source_loaded_at,
        history_to_build.customer_key,
        {%- for segmentation in segmentations %}
            case
                when history_before.customer_key is null then 'entry'
                else coalesce(history_before.{{ segmentation }}, 'none')
            end as from_{{ segmentation }},
            coalesce(history_to_build.{{ segmentation }}, 'none') as to_{{ segmentation }},
        {%- endfor %}
        history_to_build.lifetime_revenue - coalesce(history_before.lifetime_revenue, 0) as period_revenue
    from history_to_build
    left join history_before
        on
            history_to_build.previous_as_of_date = history_before.as_of_date
            and history_to_build.customer_key = history_before.customer_key

),

{% for segmentation in segmentations %}
    moved_{{ segmentation }} as (

        select
            previous_as_of_date,
            as_of_date,
            source_loaded_at,
            '{{ segmentation }}' as segmentation,
            from_{{ segmentation }} as from_label,
            to_{{ segmentation }} as to_label,
            count(*) as customers,
            sum(period_revenue) as period_revenue
        from movements
        group by
            previous_as_of_date, as_of_date, source_loaded_at, from_{{ segmentation }}, to_{{ segmentation }}

    ),
{% endfor %}

unioned as (

    select * from moved_rfm_segment
    union all
    select * from moved_rfm_group
    union all
    select * from moved_lifecycle_stage
    union all
    select * from moved_value_tier

),

final as (

    select
        cast(unioned.previous_as_of_date as date) as previous_as_of_date,
        cast(unioned.as_of_date as date) as as_of_date,
        cast(unioned.segmentation as {{ dbt.type_string() }}) as segmentation,
        cast(segmentation_names.name_en as {{ dbt.type_string() }}) as segmentation_name_en,
        cast(segmentation_names.name_zh as {{ dbt.type_string() }}) as segmentation_name_zh,
        cast(unioned.from_label as {{ dbt.type_string() }}) as from_label,
        cast(from_names.name_en as {{ dbt.type_string() }}) as from_label_name_en,
        cast(from_names.name_zh as {{ dbt.type_string() }}) as from_label_name_zh,
        cast(unioned.to_label as {{ dbt.type_string() }}) as to_label,
        cast(to_names.name_en as {{ dbt.type_string() }}) as to_label_name_en,
        cast(to_names.name_zh as {{ dbt.type_string() }}) as to_label_name_zh,
        unioned.from_label = unioned.to_label as is_unchanged,
        cast(unioned.customers as {{ dbt.type_int() }}) as customers,
        cast(unioned.period_revenue as {{ amount_type() }}) as period_revenue,
        cast(unioned.source_loaded_at as {{ dbt.type_timestamp() }}) as source_loaded_at
    from unioned
    left join segmentation_names
        on unioned.segmentation = segmentation_names.code
    left join label_display_names as from_names
        on
            unioned.segmentation = from_names.segmentation
            and unioned.from_label = from_names.label
    left join label_display_names as to_names
        on
            unioned.segmentation = to_names.segmentation
            and unioned.to_label = to_names.label

)

select * from final
