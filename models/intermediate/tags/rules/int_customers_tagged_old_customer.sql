{#-
    old_customer (老客户): first purchase more than var tag_old_customer_days days before the
    as-of date (366 days: tagged; exactly 365: not yet).
-#}

with

as_of_dates as (

    select as_of_date from {{ ref('int_as_of_date_resolved') }}

),

customers as (

    select * from {{ ref('int_customers_profiled') }}

),

first_purchases as (

    select
        customers.customer_key,
        customers.first_purchase_date,
        {{ dbt.datediff('customers.first_purchase_date', 'as_of_dates.as_of_date', 'day') }}
            as days_since_first_purchase
    from customers
    cross join as_of_dates
    where customers.first_purchase_date is not null

),

final as (

    select
        cast(customer_key as {{ dbt.type_string() }}) as customer_key,
        cast('old_customer' as {{ dbt.type_string() }}) as tag_code,
        cast('old_customer' as {{ dbt.type_string() }}) as tag_rule,
        cast(
            {{ row_as_text(['first_purchase_date', 'days_since_first_purchase']) }}
            as {{ dbt.type_string() }}
        ) as evidence_value,
        cast(days_since_first_purchase as {{ type_double() }}) as evidence_number
    from first_purchases
    where days_since_first_purchase > {{ var('tag_old_customer_days') }}

)

select * from final
