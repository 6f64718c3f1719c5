{#-
    weekend_shopper (周末购物者): at least var tag_weekend_shopper_min_share of the customer's
    purchases in the habit window were placed on a Saturday or Sunday on the shopper's clock
    (var tag_clock_timezone: Friday 23:59:59 is a weekday, Saturday 00:00:00 the weekend,
    Monday 00:00:00 a weekday again). Needs at least var tag_habit_min_purchases purchases.
-#}

with

as_of_dates as (

    select as_of_date from {{ ref('int_as_of_date_resolved') }}

),

purchases as (

    select * from {{ ref('int_purchases_filtered') }}

),

purchases_on_clock as (

    select
        purchases.customer_key,
        cast({{ tag_clock_timestamp('purchases.ordered_at') }} as date) as clock_date
    from purchases
    cross join as_of_dates
    where {{ days_before_as_of_between('purchases.order_date', 0, var('tag_habit_window_days')) }}

),

purchases_classified as (

    select
        customer_key,
        -- 0 = Monday .. 5 = Saturday, 6 = Sunday
        {{ weekday_index('clock_date') }} >= 5 as is_weekend
    from purchases_on_clock

),

weekend_counts as (

    select
        customer_key,
        count(*) as purchases_in_window,
        sum(case when is_weekend then 1 else 0 end) as weekend_purchases
    from purchases_classified
    group by customer_key

),

final as (

    select
        cast(customer_key as {{ dbt.type_string() }}) as customer_key,
        cast('weekend_shopper' as {{ dbt.type_string() }}) as tag_code,
        cast('weekend_shopper' as {{ dbt.type_string() }}) as tag_rule,
        cast(
            {{ row_as_text(['weekend_purchases', 'purchases_in_window']) }}
            as {{ dbt.type_string() }}
        ) as evidence_value,
        cast(
            round(weekend_purchases * 1.0 / purchases_in_window, 4)
            as {{ type_double() }}
        ) as evidence_number
    from weekend_counts
    where
        purchases_in_window >= {{ var('tag_habit_min_purchases') }}
        and weekend_purchases >= {{ var('tag_weekend_shopper_min_share') }} * purchases_in_window

)

select * from final
