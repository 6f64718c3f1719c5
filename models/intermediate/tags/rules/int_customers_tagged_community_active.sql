{#-
    community_active (社区活跃): at least var tag_community_active_min_events events of var
    tag_community_event_types (shares and reviews) in the last var tag_community_window_days days.
-#}

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
        cast(customer_key as {{ dbt.type_string() }}) as customer_key,
        cast('community_active' as {{ dbt.type_string() }}) as tag_code,
        cast('community_active' as {{ dbt.type_string() }}) as tag_rule,
        cast(
            {{ row_as_text(['community_events', 'share_events', 'review_events']) }}
            as {{ dbt.type_string() }}
        ) as evidence_value,
        cast(community_events as {{ type_double() }}) as evidence_number
    from community_counts
    where community_events >= {{ var('tag_community_active_min_events') }}

)

select * from final
