{#-
    monthly_active (月活跃): active on at least var tag_monthly_active_min_days distinct local
    days of the last var tag_monthly_active_window_days days. A day is active when the customer
    has any app event or a purchase on it.
-#}
{% macro tag_rule__monthly_active() %}

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
        customer_key,
        event_date as activity_date
    from events
    where customer_key is not null and not is_test_account
    union all
    select
        customer_key,
        order_date as activity_date
    from purchases

),

activity_dated as (

    select
        activity.customer_key,
        activity.activity_date,
        {{ dbt.datediff('activity.activity_date', 'as_of_dates.as_of_date', 'day') }}
            as days_before_as_of
    from activity
    cross join as_of_dates

),

active_days as (

    select
        customer_key,
        count(distinct activity_date) as active_days,
        max(activity_date) as last_active_date
    from activity_dated
    where
        days_before_as_of >= 0
        and days_before_as_of < {{ var('tag_monthly_active_window_days') }}
    group by customer_key

),

final as (

    select
        customer_key,
        'monthly_active' as tag_code,
        {{ row_as_text(['active_days', 'last_active_date']) }} as evidence_value,
        active_days as evidence_number
    from active_days
    where active_days >= {{ var('tag_monthly_active_min_days') }}

)

select * from final

{% endmacro %}
