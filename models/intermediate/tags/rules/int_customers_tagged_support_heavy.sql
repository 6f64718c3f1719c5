{#-
    support_heavy (高频客诉): at least var tag_support_heavy_min_tickets support_ticket events in
    the last var tag_support_window_days days.
-#}

with

as_of_dates as (

    select as_of_date from {{ ref('int_as_of_date_resolved') }}

),

events as (

    select * from {{ ref('int_events_attributed') }}

),

tickets as (

    select
        events.customer_key,
        events.event_date
    from events
    cross join as_of_dates
    where
        events.event_type = 'support_ticket'
        and events.customer_key is not null
        and not events.is_test_account
        and {{ days_before_as_of_between('events.event_date', 0, var('tag_support_window_days')) }}

),

ticket_counts as (

    select
        customer_key,
        count(*) as support_tickets,
        max(event_date) as last_ticket_date
    from tickets
    group by customer_key

),

final as (

    select
        cast(customer_key as {{ dbt.type_string() }}) as customer_key,
        cast('support_heavy' as {{ dbt.type_string() }}) as tag_code,
        cast('support_heavy' as {{ dbt.type_string() }}) as tag_rule,
        cast(
            {{ row_as_text(['support_tickets', 'last_ticket_date']) }}
            as {{ dbt.type_string() }}
        ) as evidence_value,
        cast(support_tickets as {{ type_double() }}) as evidence_number
    from ticket_counts
    where support_tickets >= {{ var('tag_support_heavy_min_tickets') }}

)

select * from final
