{#-
    refund_prone (高退款): of the customer's paid orders in the habit window (status in var
    purchase_statuses or refunded), at least var tag_refund_prone_min_refunds were refunded
    (status refunded or a refunded amount > 0) and they are at least var
    tag_refund_prone_min_share of those orders.
-#}

with

as_of_dates as (

    select as_of_date from {{ ref('int_as_of_date_resolved') }}

),

orders as (

    select * from {{ ref('int_orders_attributed') }}

),

paid_orders as (

    select
        orders.customer_key,
        orders.order_status = 'refunded' or orders.refunded_amount > 0 as is_refunded
    from orders
    cross join as_of_dates
    where
        not orders.is_test_account
        and orders.order_status in ({{ sql_quoted_list(var('purchase_statuses') + ['refunded']) }})
        and {{ days_before_as_of_between('orders.order_date', 0, var('tag_habit_window_days')) }}

),

refund_counts as (

    select
        customer_key,
        count(*) as paid_orders,
        sum(case when is_refunded then 1 else 0 end) as refunded_orders
    from paid_orders
    group by customer_key

),

final as (

    select
        cast(customer_key as {{ dbt.type_string() }}) as customer_key,
        cast('refund_prone' as {{ dbt.type_string() }}) as tag_code,
        cast('refund_prone' as {{ dbt.type_string() }}) as tag_rule,
        cast(
            {{ row_as_text(['refunded_orders', 'paid_orders']) }}
            as {{ dbt.type_string() }}
        ) as evidence_value,
        cast(
            round(refunded_orders * 1.0 / paid_orders, 4)
            as {{ type_double() }}
        ) as evidence_number
    from refund_counts
    where
        refunded_orders >= {{ var('tag_refund_prone_min_refunds') }}
        and refunded_orders >= {{ var('tag_refund_prone_min_share') }} * paid_orders

)

select * from final
