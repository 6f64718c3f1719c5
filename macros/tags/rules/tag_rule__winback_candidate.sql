{#-
    winback_candidate (待召回): a repeat customer (at least var tag_winback_min_purchases purchases)
    whose last purchase was var tag_winback_min_days to var tag_winback_max_days days before the
    as-of date, both ends included: lapsed, but not so long ago that winning back is hopeless.
-#}
{% macro tag_rule__winback_candidate() %}

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
        customer_key,
        'winback_candidate' as tag_code,
        {{ row_as_text(['last_purchase_date', 'days_since_last_purchase', 'lifetime_purchases']) }}
            as evidence_value,
        days_since_last_purchase as evidence_number
    from lapsed
    where
        lifetime_purchases >= {{ var('tag_winback_min_purchases') }}
        and days_since_last_purchase >= {{ var('tag_winback_min_days') }}
        and days_since_last_purchase <= {{ var('tag_winback_max_days') }}

)

select * from final

{% endmacro %}
