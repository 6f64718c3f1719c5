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
        cast(previous_as_of_date as date) as previous_as_of_date,
        cast(as_of_date as date) as as_of_date,
        cast(segmentation as {{ dbt.type_string() }}) as segmentation,
        cast(from_label as {{ dbt.type_string() }}) as from_label,
        cast(to_label as {{ dbt.type_string() }}) as to_label,
        from_label = to_label as is_unchanged,
        cast(customers as {{ dbt.type_int() }}) as customers,
        cast(period_revenue as {{ amount_type() }}) as period_revenue,
        cast(source_loaded_at as {{ dbt.type_timestamp() }}) as source_loaded_at
    from unioned

)

select * from final
