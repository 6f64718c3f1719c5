{#-
    big_single_order (大额订单): at least one purchase in the habit window worth strictly more
    than the var tag_big_order_percentile percentile (percentile_cont) of every purchase in that
    window; an order equal to the percentile is not above it.
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
        purchases.net_amount
    from purchases
    cross join as_of_dates
    where {{ days_before_as_of_between('purchases.order_date', 0, var('tag_habit_window_days')) }}

),

order_value_cut as (

    select
        {{ percentile_cont('cast(net_amount as ' ~ type_double() ~ ')', var('tag_big_order_percentile')) }}
            as big_order_cut
    from purchases_in_window

),

biggest_orders as (

    select
        customer_key,
        max(net_amount) as biggest_order_value
    from purchases_in_window
    group by customer_key

),

biggest_orders_cut as (

    select
        biggest_orders.customer_key,
        biggest_orders.biggest_order_value,
        {{ round_to_cents('order_value_cut.big_order_cut') }} as big_order_cut
    from biggest_orders
    cross join order_value_cut
    where biggest_orders.biggest_order_value > order_value_cut.big_order_cut

),

final as (

    select
        cast(customer_key as {{ dbt.type_string() }}) as customer_key,
        cast('big_single_order' as {{ dbt.type_string() }}) as tag_code,
        cast('big_single_order' as {{ dbt.type_string() }}) as tag_rule,
        cast(
            {{ row_as_text(['biggest_order_value', 'big_order_cut']) }}
            as {{ dbt.type_string() }}
        ) as evidence_value,
        cast(biggest_order_value as {{ type_double() }}) as evidence_number
    from biggest_orders_cut

)

select * from final
