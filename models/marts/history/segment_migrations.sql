{#-
    Who moved where between consecutive as-of dates of the history, for each segmentation
    (rfm_segment, rfm_group, lifecycle_stage, value_tier): one row per (to date, from label,
    to label) with the customers and their net revenue in the period. from_label 'entry' is a
    customer who did not exist on the previous date (a new customer); 'none' is a customer
    without a label in that segmentation (no purchase yet, so no RFM segment or value tier).
    The diagonal (from = to) is the unchanged customers. The first as-of date has no previous
    date: everyone enters.
-#}

{%- set segmentations = ['rfm_segment', 'rfm_group', 'lifecycle_stage', 'value_tier'] %}

with

history as (

    select * from {{ ref('customer_segment_history') }}

),

as_of_dates as (

    select distinct as_of_date from history

),

consecutive_dates as (

    select
        as_of_date,
        lag(as_of_date) over (order by as_of_date) as previous_as_of_date
    from as_of_dates

),

movements as (

    select
        consecutive_dates.previous_as_of_date,
        history.as_of_date,
        history.customer_key,
        {%- for segmentation in segmentations %}
            case
                when previous_history.customer_key is null then 'entry'
                else coalesce(previous_history.{{ segmentation }}, 'none')
            end as from_{{ segmentation }},
            coalesce(history.{{ segmentation }}, 'none') as to_{{ segmentation }},
        {%- endfor %}
        history.lifetime_revenue - coalesce(previous_history.lifetime_revenue, 0) as period_revenue
    from history
    inner join consecutive_dates
        on history.as_of_date = consecutive_dates.as_of_date
    left join history as previous_history
        on
            consecutive_dates.previous_as_of_date = previous_history.as_of_date
            and history.customer_key = previous_history.customer_key

),

{% for segmentation in segmentations %}
    moved_{{ segmentation }} as (

        select
            previous_as_of_date,
            as_of_date,
            '{{ segmentation }}' as segmentation,
            from_{{ segmentation }} as from_label,
            to_{{ segmentation }} as to_label,
            count(*) as customers,
            sum(period_revenue) as period_revenue
        from movements
        group by previous_as_of_date, as_of_date, from_{{ segmentation }}, to_{{ segmentation }}

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
        cast(period_revenue as {{ amount_type() }}) as period_revenue
    from unioned

)

select * from final
