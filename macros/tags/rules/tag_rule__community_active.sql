{#-
    community_active (社区活跃): at least var tag_community_active_min_events events of var
    tag_community_event_types (shares and reviews) in the last var tag_community_window_days days.
-#}
{% macro tag_rule__community_active() %}

with

as_of_dates as (

    select as_of_date from {{ ref('int_as_of_date_resolved') }}

),

events as (

    select * from {{ ref('int_events_attributed') }}

),

community_events as (

    select
        events.customer_key,
        events.event_type
    from events
    cross join as_of_dates
    where
        events.event_type in ({{ sql_quoted_list(var('tag_community_event_types')) }})
        and events.customer_key is not null
        and not events.is_test_account
        and {{ days_before_as_of_between('events.event_date', 0, var('tag_community_window_days')) }}

),

community_counts as (

    select
        customer_key,
        sum(case when event_type = 'share' then 1 else 0 end) as share_events,
        sum(case when event_type = 'review' then 1 else 0 end) as review_events,
        count(*) as community_events
    from community_events
    group by customer_key

),

final as (

    select
        customer_key,
        'community_active' as tag_code,
        {{ row_as_text(['community_events', 'share_events', 'review_events']) }} as evidence_value,
        community_events as evidence_number
    from community_counts
    where community_events >= {{ var('tag_community_active_min_events') }}

)

select * from final

{% endmacro %}
