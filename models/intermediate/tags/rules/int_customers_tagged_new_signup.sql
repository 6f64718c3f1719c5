{#-
    new_signup (刚注册): signed up in the last var tag_new_signup_days days - 0 to N - 1 days
    before the as-of date (signed up 29 days ago: tagged; 30: not).
-#}

with

as_of_dates as (

    select as_of_date from {{ ref('int_as_of_date_resolved') }}

),

customers as (

    select * from {{ ref('int_customers_profiled') }}

),

signups as (

    select
        customers.customer_key,
        customers.signup_date,
        {{ dbt.datediff('customers.signup_date', 'as_of_dates.as_of_date', 'day') }}
            as days_since_signup
    from customers
    cross join as_of_dates

),

final as (

    select
        cast(customer_key as {{ dbt.type_string() }}) as customer_key,
        cast('new_signup' as {{ dbt.type_string() }}) as tag_code,
        cast('new_signup' as {{ dbt.type_string() }}) as tag_rule,
        cast(
            {{ row_as_text(['signup_date', 'days_since_signup']) }}
            as {{ dbt.type_string() }}
        ) as evidence_value,
        cast(days_since_signup as {{ type_double() }}) as evidence_number
    from signups
    where
        days_since_signup >= 0
        and days_since_signup < {{ var('tag_new_signup_days') }}

)

select * from final
