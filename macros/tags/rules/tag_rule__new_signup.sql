{#-
    new_signup (刚注册): signed up in the last var tag_new_signup_days days - 0 to N - 1 days
    before the as-of date (signed up 29 days ago: tagged; 30: not).
-#}
{% macro tag_rule__new_signup() %}

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
        customer_key,
        'new_signup' as tag_code,
        {{ row_as_text(['signup_date', 'days_since_signup']) }} as evidence_value,
        days_since_signup as evidence_number
    from signups
    where
        days_since_signup >= 0
        and days_since_signup < {{ var('tag_new_signup_days') }}

)

select * from final

{% endmacro %}
