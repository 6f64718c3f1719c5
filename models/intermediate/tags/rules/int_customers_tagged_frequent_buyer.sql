{#-
    frequent_buyer (高频购买): at least var tag_frequent_buyer_min_purchases purchases in the last
    var tag_frequent_buyer_window_days days.
-#}

with

as_of_dates as (

    select as_of_date from {{ ref('int_as_of_date_resolved') }}

),

purchases as (

    select * from {{ ref('int_purchases_filtered') }}

),

purchases_in_window as (

    select
        purchases.customer_key,
        purchases.order_date
    from purchases
    cross join as_of_dates
    where {{ days_before_as_of_between('purchases.order_date', 0, var('tag_frequent_buyer_window_days')) }}

),

purchase_counts as (

    select
        customer_key,
        count(*) as purchases_in_window,
        max(order_date) as last_purchase_date
    from purchases_in_window
    group by customer_key

),

final as (

    select
        cast(customer_key as {{ dbt.type_string() }}) as customer_key,
        cast('frequent_buyer' as {{ dbt.type_string() }}) as tag_code,
        cast('frequent_buyer' as {{ dbt.type_string() }}) as tag_rule,
        cast(
            {{ row_as_text(['purchases_in_window', 'last_purchase_date']) }}
            as {{ dbt.type_string() }}
        ) as evidence_value,
        cast(purchases_in_window as {{ type_double() }}) as evidence_number
    from purchase_counts
    where purchases_in_window >= {{ var('tag_frequent_buyer_min_purchases') }}

)

select * from final
