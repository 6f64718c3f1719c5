{{ validate_segmentation_vars() }}

{#-
    The one as-of date of the current segmentation (one row). var as_of_date when set;
    otherwise the latest local date of any valid order or event of a real (non-test)
    customer, so the demo is deterministic and nothing depends on the wall clock.
    Before it is built, the build stops with a named reason when a required raw table is empty
    or the as-of date does not describe the data (macros/validation/validate_vars.sql).
-#}

{#- the required raw tables (README "Using your own data"; the other four may be empty) -#}
{{ assert_required_raw_tables_not_empty({
    'crm.customers': ref('base_crm__customers_as_delivered'),
    'shop.orders': ref('base_shop__orders_as_delivered'),
    'shop.order_items': ref('base_shop__order_items_as_delivered'),
    'shop.products': ref('base_shop__products_as_delivered'),
}) }}
{{ assert_as_of_date_within_data(ref('int_orders_attributed'), ref('int_events_attributed')) }}

with

orders as (

    select * from {{ ref('int_orders_attributed') }}

),

events as (

    select * from {{ ref('int_events_attributed') }}

),

latest_activity as (

    select max(order_date) as activity_date from orders
    where not is_test_account
    union all
    select max(event_date) as activity_date from events
    where not is_test_account

),

latest as (

    select max(activity_date) as activity_date from latest_activity

),

final as (

    select
        {%- if var('as_of_date', none) is not none %}
            cast('{{ var("as_of_date") }}' as date) as as_of_date,
        {%- else %}
            activity_date as as_of_date,
        {%- endif %}
        {{ var('as_of_date', none) is not none }} as is_as_of_date_from_var
    from latest

)

select * from final
