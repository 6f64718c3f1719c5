{#-
    monthly_active (月活跃): active on at least var tag_monthly_active_min_days distinct local
    days of the last var tag_monthly_active_window_days days. A day is active when the customer
    has any app event or a purchase on it.
-#}

with

as_of_dates as (

    select as_of_date from {{ ref('int_as_of_date_resolved') }}

),

events as (

    select * from {{ ref('int_events_attributed') }}

),

purchases as (

    select * from {{ ref('int_purchases_filtered') }}

),

activity as (

    select
        events.customer_key,
        events.event_date as activity_date
    from events
    cross join as_of_dates
    where
        events.customer_key is not null
        and not events.is_test_account
        and {{ days_before_as_of_between('events.event_date', 0, var('tag_monthly_active_window_days')) }}
    union all
    select
        purchases.customer_key,
        purchases.order_date as activity_date
    from purchases
    cross join as_of_dates
    where {{ days_before_as_of_between('purchases.order_date', 0, var('tag_monthly_active_window_days')) }}

),

active_days as (

    select
        customer_key,
        count(distinct activity_date) as active_days,
        max(activity_date) as last_active_date
    from activity
    group by customer_key

),

final as (

    select
        cast(customer_key as {{ dbt.type_string() }}) as customer_key,
        cast('monthly_active' as {{ dbt.type_string() }}) as tag_code,
        cast('monthly_active' as {{ dbt.type_string() }}) as tag_rule,
        cast(
            {{ row_as_text(['active_days', 'last_active_date']) }}
            as {{ dbt.type_string() }}
        ) as evidence_value,
        cast(active_days as {{ type_double() }}) as evidence_number
    from active_days
    where active_days >= {{ var('tag_monthly_active_min_days') }}

)

select * from final
