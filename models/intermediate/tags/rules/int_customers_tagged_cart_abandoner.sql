{#-
    cart_abandoner (加购未买): an add_to_cart of the last var tag_cart_abandon_lookback_days days
    that no purchase followed within var tag_cart_abandon_days days (a purchase placed after the
    cart event, on the cart's local date + 0 .. N days, converts it). Carts younger than N days
    are not judged yet: their window has not closed on the as-of date.
-#}

with

as_of_dates as (

    select as_of_date from {{ ref('int_as_of_date_resolved') }}

),

events as (

    select * from {{ ref('int_events_attributed') }}

),

purchases as (

    select * from {{ ref('int_purchases_filtered') }}

),

judged_carts as (

    -- the carts of the lookback window old enough to be judged
    select
        events.event_id,
        events.customer_key,
        events.occurred_at,
        events.event_date
    from events
    cross join as_of_dates
    where
        events.event_type = 'add_to_cart'
        and events.customer_key is not null
        and not events.is_test_account
        and {{ days_before_as_of_between(
            'events.event_date', var('tag_cart_abandon_days'), var('tag_cart_abandon_lookback_days')
        ) }}

),

purchases_in_lookback as (

    -- the only purchases that can convert a judged cart: placed on or after its date, and no
    -- later than N days after it, so within the lookback window
    select
        purchases.customer_key,
        purchases.ordered_at,
        purchases.order_date
    from purchases
    cross join as_of_dates
    where {{ days_before_as_of_between('purchases.order_date', 0, var('tag_cart_abandon_lookback_days')) }}

),

converted_carts as (

    select distinct judged_carts.event_id
    from judged_carts
    inner join purchases_in_lookback
        on
            judged_carts.customer_key = purchases_in_lookback.customer_key
            and judged_carts.occurred_at <= purchases_in_lookback.ordered_at
            and {{ dbt.datediff('judged_carts.event_date', 'purchases_in_lookback.order_date', 'day') }}
            <= {{ var('tag_cart_abandon_days') }}

),

abandoned_carts as (

    select
        judged_carts.customer_key,
        count(*) as abandoned_carts,
        max(judged_carts.event_date) as last_abandoned_cart_date
    from judged_carts
    left join converted_carts
        on judged_carts.event_id = converted_carts.event_id
    where converted_carts.event_id is null
    group by judged_carts.customer_key

),

final as (

    select
        cast(customer_key as {{ dbt.type_string() }}) as customer_key,
        cast('cart_abandoner' as {{ dbt.type_string() }}) as tag_code,
        cast('cart_abandoner' as {{ dbt.type_string() }}) as tag_rule,
        cast(
            {{ row_as_text(['abandoned_carts', 'last_abandoned_cart_date']) }}
            as {{ dbt.type_string() }}
        ) as evidence_value,
        cast(abandoned_carts as {{ type_double() }}) as evidence_number
    from abandoned_carts

)

select * from final
