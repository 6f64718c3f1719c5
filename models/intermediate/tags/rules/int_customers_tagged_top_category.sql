{#-
    top_category_<category> (品类偏好): the customer's top product category by affinity in the
    habit window - items bought (quantity of purchased order lines) plus var
    tag_category_view_weight per product view - if it reaches var tag_category_min_score. Ties
    go to the category with more items bought, then alphabetically. Category 'unknown' is skipped.
-#}

with

as_of_dates as (

    select as_of_date from {{ ref('int_as_of_date_resolved') }}

),

purchases as (

    select * from {{ ref('int_purchases_filtered') }}

),

order_items as (

    select * from {{ ref('int_order_items_attributed') }}

),

events as (

    select * from {{ ref('int_events_attributed') }}

),

products as (

    select * from {{ ref('stg_shop__products') }}

),

purchases_in_window as (

    select
        purchases.order_id,
        purchases.customer_key
    from purchases
    cross join as_of_dates
    where {{ days_before_as_of_between('purchases.order_date', 0, var('tag_habit_window_days')) }}

),

items_bought as (

    select
        purchases_in_window.customer_key,
        order_items.category,
        order_items.quantity
    from order_items
    inner join purchases_in_window
        on order_items.order_id = purchases_in_window.order_id

),

products_viewed as (

    select
        events.customer_key,
        products.category
    from events
    inner join products
        on events.product_id = products.product_id
    cross join as_of_dates
    where
        events.event_type = 'product_view'
        and events.customer_key is not null
        and not events.is_test_account
        and {{ days_before_as_of_between('events.event_date', 0, var('tag_habit_window_days')) }}

),

signals as (

    select
        customer_key,
        category,
        quantity as items_bought,
        0 as product_views
    from items_bought
    union all
    select
        customer_key,
        category,
        0 as items_bought,
        1 as product_views
    from products_viewed

),

category_affinity as (

    select
        customer_key,
        category,
        sum(items_bought) as items_bought,
        sum(product_views) as product_views,
        sum(items_bought) + {{ var('tag_category_view_weight') }} * sum(product_views) as affinity_score
    from signals
    where
        category is not null
        and category <> 'unknown'
    group by customer_key, category

),

category_ranked as (

    select
        *,
        row_number() over (
            partition by customer_key
            order by affinity_score desc, items_bought desc, category asc
        ) as affinity_rank
    from category_affinity

),

final as (

    select
        cast(customer_key as {{ dbt.type_string() }}) as customer_key,
        cast(
            {{ dbt.concat(["'top_category_'", tag_code_suffix('category')]) }}
            as {{ dbt.type_string() }}
        ) as tag_code,
        cast('top_category' as {{ dbt.type_string() }}) as tag_rule,
        cast(
            {{ row_as_text(['category', 'items_bought', 'product_views', 'affinity_score']) }}
            as {{ dbt.type_string() }}
        ) as evidence_value,
        cast(affinity_score as {{ type_double() }}) as evidence_number
    from category_ranked
    where
        affinity_rank = 1
        and affinity_score >= {{ var('tag_category_min_score') }}

)

select * from final
