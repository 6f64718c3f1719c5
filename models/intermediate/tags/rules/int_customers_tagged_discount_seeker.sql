{#-
    discount_seeker (羊毛党): more than var tag_discount_seeker_share of the customer's purchases
    in the habit window (var tag_habit_window_days) carried a discount, with at least var
    tag_habit_min_purchases purchases (one discounted order does not make a habit).
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
        purchases.discount_amount > 0 as is_discounted
    from purchases
    cross join as_of_dates
    where {{ days_before_as_of_between('purchases.order_date', 0, var('tag_habit_window_days')) }}

),

discount_counts as (

    select
        customer_key,
        count(*) as purchases_in_window,
        sum(case when is_discounted then 1 else 0 end) as discounted_purchases
    from purchases_in_window
    group by customer_key

),

final as (

    select
        cast(customer_key as {{ dbt.type_string() }}) as customer_key,
        cast('discount_seeker' as {{ dbt.type_string() }}) as tag_code,
        cast('discount_seeker' as {{ dbt.type_string() }}) as tag_rule,
        cast(
            {{ row_as_text(['discounted_purchases', 'purchases_in_window']) }}
            as {{ dbt.type_string() }}
        ) as evidence_value,
        cast(
            round(discounted_purchases * 1.0 / purchases_in_window, 4)
            as {{ type_double() }}
        ) as evidence_number
    from discount_counts
    where
        purchases_in_window >= {{ var('tag_habit_min_purchases') }}
        and discounted_purchases > {{ var('tag_discount_seeker_share') }} * purchases_in_window

)

select * from final
