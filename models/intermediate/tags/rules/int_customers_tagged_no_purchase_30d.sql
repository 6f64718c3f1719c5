{#-
    no_purchase_30d (30天未购买): no purchase for at least var tag_no_purchase_days days. The
    clock starts at the last purchase, or at signup for a customer who never bought; exactly
    30 days without a purchase is tagged, 29 is not.
-#}

with

as_of_dates as (

    select as_of_date from {{ ref('int_as_of_date_resolved') }}

),

customers as (

    select * from {{ ref('int_customers_profiled') }}

),

idle as (

    select
        customers.customer_key,
        customers.last_purchase_date,
        customers.signup_date,
        {{ dbt.datediff(
            'coalesce(customers.last_purchase_date, customers.signup_date)',
            'as_of_dates.as_of_date',
            'day'
        ) }} as days_without_purchase
    from customers
    cross join as_of_dates

),

final as (

    select
        cast(customer_key as {{ dbt.type_string() }}) as customer_key,
        cast('no_purchase_30d' as {{ dbt.type_string() }}) as tag_code,
        cast('no_purchase_30d' as {{ dbt.type_string() }}) as tag_rule,
        cast(
            {{ row_as_text(['last_purchase_date', 'signup_date', 'days_without_purchase']) }}
            as {{ dbt.type_string() }}
        ) as evidence_value,
        cast(days_without_purchase as {{ type_double() }}) as evidence_number
    from idle
    where days_without_purchase >= {{ var('tag_no_purchase_days') }}

)

select * from final
