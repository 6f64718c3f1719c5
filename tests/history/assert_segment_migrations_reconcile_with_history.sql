-- For every segmentation and as-of date, the migrations into each label add up to the history's
-- customers with that label on the date, and the migrations out of each label (entries aside)
-- add up to the history's customers with that label on the previous date.

{%- set segmentations = ['rfm_segment', 'rfm_group', 'lifecycle_stage', 'value_tier'] %}

with

history as (

    select * from {{ ref('customer_segment_history') }}

),

migrations as (

    select * from {{ ref('segment_migrations') }}

),

{% for segmentation in segmentations %}
    labelled_{{ segmentation }} as (

        select
            as_of_date,
            '{{ segmentation }}' as segmentation,
            coalesce({{ segmentation }}, 'none') as label,
            count(*) as customers
        from history
        group by as_of_date, coalesce({{ segmentation }}, 'none')

    ),
{% endfor %}

history_counts as (

    select * from labelled_rfm_segment
    union all
    select * from labelled_rfm_group
    union all
    select * from labelled_lifecycle_stage
    union all
    select * from labelled_value_tier

),

arrivals as (

    select
        as_of_date,
        segmentation,
        to_label as label,
        sum(customers) as customers
    from migrations
    group by as_of_date, segmentation, to_label

),

departures as (

    select
        previous_as_of_date as as_of_date,
        segmentation,
        from_label as label,
        sum(customers) as customers
    from migrations
    where from_label <> 'entry' and previous_as_of_date is not null
    group by previous_as_of_date, segmentation, from_label

),

arrival_mismatches as (

    select
        'arrivals' as side,
        coalesce(history_counts.as_of_date, arrivals.as_of_date) as as_of_date,
        coalesce(history_counts.segmentation, arrivals.segmentation) as segmentation,
        coalesce(history_counts.label, arrivals.label) as label,
        history_counts.customers as history_customers,
        arrivals.customers as migration_customers
    from history_counts
    full outer join arrivals
        on
            history_counts.as_of_date = arrivals.as_of_date
            and history_counts.segmentation = arrivals.segmentation
            and history_counts.label = arrivals.label
    where coalesce(history_counts.customers, -1) <> coalesce(arrivals.customers, -1)

),

departure_mismatches as (

    select
        'departures' as side,
        departures.as_of_date,
        departures.segmentation,
        departures.label,
        history_counts.customers as history_customers,
        departures.customers as migration_customers
    from departures
    left join history_counts
        on
            departures.as_of_date = history_counts.as_of_date
            and departures.segmentation = history_counts.segmentation
            and departures.label = history_counts.label
    where coalesce(history_counts.customers, -1) <> departures.customers

)

select * from arrival_mismatches
union all
select * from departure_mismatches
