{#-
    no_login_30d (30天未登录): no login (event types in var tag_login_event_types) for at least
    var tag_no_login_days days. The clock starts at the last login on or before the as-of date,
    or at signup for a customer who never logged in; exactly 30 days is tagged, 29 is not.
-#}

with

as_of_dates as (

    select as_of_date from {{ ref('int_as_of_date_resolved') }}

),

customers as (

    select * from {{ ref('int_customers_profiled') }}

),

events as (

    select * from {{ ref('int_events_attributed') }}

),

logins as (

    select
        events.customer_key,
        max(events.event_date) as last_login_date
    from events
    cross join as_of_dates
    where
        events.event_type in ({{ sql_quoted_list(var('tag_login_event_types')) }})
        and events.customer_key is not null
        and not events.is_test_account
        and events.event_date <= as_of_dates.as_of_date
    group by events.customer_key

),

idle as (

    select
        customers.customer_key,
        logins.last_login_date,
        customers.signup_date,
        {{ dbt.datediff(
            'coalesce(logins.last_login_date, customers.signup_date)',
            'as_of_dates.as_of_date',
            'day'
        ) }} as days_without_login
    from customers
    cross join as_of_dates
    left join logins
        on customers.customer_key = logins.customer_key

),

final as (

    select
        cast(customer_key as {{ dbt.type_string() }}) as customer_key,
        cast('no_login_30d' as {{ dbt.type_string() }}) as tag_code,
        cast('no_login_30d' as {{ dbt.type_string() }}) as tag_rule,
        cast(
            {{ row_as_text(['last_login_date', 'signup_date', 'days_without_login']) }}
            as {{ dbt.type_string() }}
        ) as evidence_value,
        cast(days_without_login as {{ type_double() }}) as evidence_number
    from idle
    where days_without_login >= {{ var('tag_no_login_days') }}

)

select * from final
