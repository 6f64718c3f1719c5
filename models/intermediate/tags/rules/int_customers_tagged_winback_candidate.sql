{#-
    winback_candidate (待召回): a repeat customer (at least var tag_winback_min_purchases purchases)
    whose last purchase was var tag_winback_min_days to var tag_winback_max_days days before the
    as-of date, both ends included: lapsed, but not so long ago that winning back is hopeless.
-#}

with

as_of_dates as (

    select as_of_date from {{ ref('int_as_of_date_resolved') }}

),

customers as (

    select * from {{ ref('int_customers_profiled') }}

),

lapsed as (

    select
        customers.customer_key,
        customers.lifetime_purchases,
        customers.last_purchase_date,
        {{ dbt.datediff('customers.last_purchase_date', 'as_of_dates.as_of_date', 'day') }}
            as days_since_last_purchase
    from customers
    cross join as_of_dates
    where customers.last_purchase_date is not null

),

final as (

    select
        cast(customer_key as {{ dbt.type_string() }}) as customer_key,
        cast('winback_candidate' as {{ dbt.type_string() }}) as tag_code,
        cast('winback_candidate' as {{ dbt.type_string() }}) as tag_rule,
        cast(
            {{ row_as_text(['last_purchase_date', 'days_since_last_purchase', 'lifetime_purchases']) }}
            as {{ dbt.type_string() }}
        ) as evidence_value,
        cast(days_since_last_purchase as {{ type_double() }}) as evidence_number
    from lapsed
    where
        lifetime_purchases >= {{ var('tag_winback_min_purchases') }}
        and days_since_last_purchase >= {{ var('tag_winback_min_days') }}
        and days_since_last_purchase <= {{ var('tag_winback_max_days') }}

)

select * from final
