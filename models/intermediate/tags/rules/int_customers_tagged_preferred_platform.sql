{#-
    preferred_platform_<platform> (偏好终端): the platform (ios, android, web, mini_program) of
    most of the customer's app events in the last var tag_platform_window_days days, if it holds
    at least var tag_preferred_min_share of them and there are at least var
    tag_platform_min_events. Ties go to the platform used most recently, then alphabetically.
-#}

with

as_of_dates as (

    select as_of_date from {{ ref('int_as_of_date_resolved') }}

),

events as (

    select * from {{ ref('int_events_attributed') }}

),

events_in_window as (

    select
        events.customer_key,
        events.platform,
        events.occurred_at
    from events
    cross join as_of_dates
    where
        events.customer_key is not null
        and not events.is_test_account
        and events.platform is not null
        and {{ days_before_as_of_between('events.event_date', 0, var('tag_platform_window_days')) }}

),

platform_counts as (

    select
        customer_key,
        platform,
        count(*) as platform_events,
        max(occurred_at) as last_occurred_at
    from events_in_window
    group by customer_key, platform

),

platform_ranked as (

    select
        customer_key,
        platform,
        platform_events,
        sum(platform_events) over (partition by customer_key) as events_in_window,
        row_number() over (
            partition by customer_key
            order by platform_events desc, last_occurred_at desc, platform asc
        ) as platform_rank
    from platform_counts

),

final as (

    select
        cast(customer_key as {{ dbt.type_string() }}) as customer_key,
        cast(
            {{ dbt.concat(["'preferred_platform_'", tag_code_suffix('platform')]) }}
            as {{ dbt.type_string() }}
        ) as tag_code,
        cast('preferred_platform' as {{ dbt.type_string() }}) as tag_rule,
        cast(
            {{ row_as_text(['platform', 'platform_events', 'events_in_window']) }}
            as {{ dbt.type_string() }}
        ) as evidence_value,
        cast(
            round(platform_events * 1.0 / events_in_window, 4)
            as {{ type_double() }}
        ) as evidence_number
    from platform_ranked
    where
        platform_rank = 1
        and events_in_window >= {{ var('tag_platform_min_events') }}
        and platform_events >= {{ var('tag_preferred_min_share') }} * events_in_window

)

select * from final
