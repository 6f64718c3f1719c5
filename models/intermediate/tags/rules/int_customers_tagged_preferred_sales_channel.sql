{#-
    preferred_sales_channel_<channel> (偏好渠道): the sales channel of most of the customer's
    purchases in the habit window, if it holds at least var tag_preferred_min_share of them and
    there are at least var tag_habit_min_purchases. Ties go to the channel used most recently,
    then alphabetically.
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
        purchases.sales_channel,
        purchases.ordered_at
    from purchases
    cross join as_of_dates
    where
        purchases.sales_channel is not null
        and {{ days_before_as_of_between('purchases.order_date', 0, var('tag_habit_window_days')) }}

),

channel_counts as (

    select
        customer_key,
        sales_channel,
        count(*) as channel_purchases,
        max(ordered_at) as last_ordered_at
    from purchases_in_window
    group by customer_key, sales_channel

),

channel_ranked as (

    select
        customer_key,
        sales_channel,
        channel_purchases,
        sum(channel_purchases) over (partition by customer_key) as purchases_in_window,
        row_number() over (
            partition by customer_key
            order by channel_purchases desc, last_ordered_at desc, sales_channel asc
        ) as channel_rank
    from channel_counts

),

final as (

    select
        cast(customer_key as {{ dbt.type_string() }}) as customer_key,
        cast(
            {{ dbt.concat(["'preferred_sales_channel_'", tag_code_suffix('sales_channel')]) }}
            as {{ dbt.type_string() }}
        ) as tag_code,
        cast('preferred_sales_channel' as {{ dbt.type_string() }}) as tag_rule,
        cast(
            {{ row_as_text(['sales_channel', 'channel_purchases', 'purchases_in_window']) }}
            as {{ dbt.type_string() }}
        ) as evidence_value,
        cast(
            round(channel_purchases * 1.0 / purchases_in_window, 4)
            as {{ type_double() }}
        ) as evidence_number
    from channel_ranked
    where
        channel_rank = 1
        and purchases_in_window >= {{ var('tag_habit_min_purchases') }}
        and channel_purchases >= {{ var('tag_preferred_min_share') }} * purchases_in_window

)

select * from final
