{#-
    Rows that passed staging but could not be attributed downstream, each with its reason:
    orders, NPS answers, events and campaign assignments naming an unknown customer, orders
    without an exchange rate into the reporting currency, lines of orders that were not
    attributed, assignments to unknown campaigns, and second assignments of one person to a
    campaign after records were merged. Nothing leaves the pipeline without a row here or in
    the staging rejects (see rejected_rows and raw_row_reconciliation).

    Events, NPS answers and order lines are found with the attribution predicate itself (a
    customer_id missing from the identity map, an order_id missing from the attributed orders)
    rather than by anti-joining every clean row against every attributed row; orders and
    assignments, whose attribution has more conditions, are anti-joined on their key. The base
    models keep raw values only for their own rejects, so the raw values (and the fingerprint of
    a row that was the only one of its key) of these few rows are read from the raw table again:
    the raw rows of their keys, matched on the fingerprint where a key has several.
-#}

with

orders as (

    select * from {{ ref('base_shop__orders') }}
    where row_status = 'clean'

),

order_items as (

    select * from {{ ref('base_shop__order_items') }}
    where row_status = 'clean'

),

events as (

    select * from {{ ref('base_app__events') }}
    where row_status = 'clean'

),

nps_responses as (

    select * from {{ ref('base_crm__nps_responses') }}
    where row_status = 'clean'

),

assignments as (

    select * from {{ ref('base_marketing__campaign_assignments') }}
    where row_status = 'clean'

),

campaigns as (

    select * from {{ ref('stg_marketing__campaigns') }}

),

id_map as {{ not_materialized() }} (

    select * from {{ ref('int_customer_ids_mapped') }}

),

attributed_orders as {{ not_materialized() }} (

    select * from {{ ref('int_orders_attributed') }}

),

attributed_assignments as (

    select * from {{ ref('int_campaign_assignments_attributed') }}

),

raw_orders as (

    select * from {{ raw_source('shop', 'orders') }}

),

raw_order_items as (

    select * from {{ raw_source('shop', 'order_items') }}

),

raw_events as (

    select * from {{ raw_source('app', 'events') }}

),

raw_nps_responses as (

    select * from {{ raw_source('crm', 'nps_responses') }}

),

raw_assignments as (

    select * from {{ raw_source('marketing', 'campaign_assignments') }}

),

-- the clean rows that attribution rejects (key, reason, load time, fingerprint if known)

unattributed_orders as (

    select
        orders.order_id,
        case
            when id_map.source_customer_id is null then 'unknown_customer'
            else 'missing_exchange_rate'
        end as reject_reason,
        orders.loaded_at,
        orders.raw_row_hash
    from orders
    left join attributed_orders
        on orders.order_id = attributed_orders.order_id
    left join id_map
        on orders.customer_id = id_map.source_customer_id
    where attributed_orders.order_id is null

),

unattributed_items as (

    select
        order_items.order_item_id,
        'unknown_order' as reject_reason,
        order_items.loaded_at,
        order_items.raw_row_hash
    from order_items
    left join attributed_orders
        on order_items.order_id = attributed_orders.order_id
    where attributed_orders.order_id is null

),

unattributed_events as (

    select
        events.event_id,
        'unknown_customer' as reject_reason,
        events.loaded_at,
        events.raw_row_hash
    from events
    left join id_map
        on events.customer_id = id_map.source_customer_id
    where events.customer_id is not null and id_map.customer_key is null

),

unattributed_responses as (

    select
        nps_responses.response_id,
        'unknown_customer' as reject_reason,
        nps_responses.loaded_at,
        nps_responses.raw_row_hash
    from nps_responses
    left join id_map
        on nps_responses.customer_id = id_map.source_customer_id
    where id_map.customer_key is null

),

unattributed_assignments as (

    select
        assignments.campaign_id,
        assignments.customer_id,
        case
            when id_map.source_customer_id is null then 'unknown_customer'
            when campaigns.campaign_id is null then 'unknown_campaign'
            else 'duplicate_assignment_after_merge'
        end as reject_reason,
        assignments.loaded_at,
        assignments.raw_row_hash
    from assignments
    left join attributed_assignments
        on
            assignments.campaign_id = attributed_assignments.campaign_id
            and assignments.customer_id = attributed_assignments.source_customer_id
    left join id_map
        on assignments.customer_id = id_map.source_customer_id
    left join campaigns
        on assignments.campaign_id = campaigns.campaign_id
    where attributed_assignments.campaign_id is null

),

-- the raw rows of those keys, fingerprinted and rendered as in the base models

raw_orders_of_keys as (

    {{ raw_rows_of_keys('raw_orders', 'shop.orders', ['order_id'], 'order_id', 'unattributed_orders') }}

),

raw_items_of_keys as (

    {{ raw_rows_of_keys(
        'raw_order_items', 'shop.order_items', ['order_item_id'], 'order_item_id', 'unattributed_items'
    ) }}

),

raw_events_of_keys as (

    {{ raw_rows_of_keys('raw_events', 'app.events', ['event_id'], 'event_id', 'unattributed_events') }}

),

raw_responses_of_keys as (

    {{ raw_rows_of_keys(
        'raw_nps_responses', 'crm.nps_responses', ['response_id'], 'response_id', 'unattributed_responses'
    ) }}

),

raw_assignments_of_keys as (

    {{ raw_rows_of_keys(
        'raw_assignments', 'marketing.campaign_assignments', ['campaign_id', 'customer_id'],
        'customer_id', 'unattributed_assignments'
    ) }}

),

-- each rejected row with its raw values: the only raw row of its key, or the one with its fingerprint

orders_with_values as (

    select
        'shop.orders' as source_table,
        unattributed_orders.order_id as record_id,
        unattributed_orders.reject_reason,
        unattributed_orders.loaded_at,
        raw_orders_of_keys.raw_row_hash,
        raw_orders_of_keys.raw_values
    from unattributed_orders
    inner join raw_orders_of_keys
        on
            unattributed_orders.order_id = raw_orders_of_keys.order_id
            and coalesce(unattributed_orders.raw_row_hash, raw_orders_of_keys.raw_row_hash)
            = raw_orders_of_keys.raw_row_hash

),

items_with_values as (

    select
        'shop.order_items' as source_table,
        unattributed_items.order_item_id as record_id,
        unattributed_items.reject_reason,
        unattributed_items.loaded_at,
        raw_items_of_keys.raw_row_hash,
        raw_items_of_keys.raw_values
    from unattributed_items
    inner join raw_items_of_keys
        on
            unattributed_items.order_item_id = raw_items_of_keys.order_item_id
            and coalesce(unattributed_items.raw_row_hash, raw_items_of_keys.raw_row_hash)
            = raw_items_of_keys.raw_row_hash

),

events_with_values as (

    select
        'app.events' as source_table,
        unattributed_events.event_id as record_id,
        unattributed_events.reject_reason,
        unattributed_events.loaded_at,
        raw_events_of_keys.raw_row_hash,
        raw_events_of_keys.raw_values
    from unattributed_events
    inner join raw_events_of_keys
        on
            unattributed_events.event_id = raw_events_of_keys.event_id
            and coalesce(unattributed_events.raw_row_hash, raw_events_of_keys.raw_row_hash)
            = raw_events_of_keys.raw_row_hash

),

responses_with_values as (

    select
        'crm.nps_responses' as source_table,
        unattributed_responses.response_id as record_id,
        unattributed_responses.reject_reason,
        unattributed_responses.loaded_at,
        raw_responses_of_keys.raw_row_hash,
        raw_responses_of_keys.raw_values
    from unattributed_responses
    inner join raw_responses_of_keys
        on
            unattributed_responses.response_id = raw_responses_of_keys.response_id
            and coalesce(unattributed_responses.raw_row_hash, raw_responses_of_keys.raw_row_hash)
            = raw_responses_of_keys.raw_row_hash

),

assignments_with_values as (

    select
        'marketing.campaign_assignments' as source_table,
        {{ dbt.concat([
            'unattributed_assignments.campaign_id', "'/'", 'unattributed_assignments.customer_id'
        ]) }} as record_id,
        unattributed_assignments.reject_reason,
        unattributed_assignments.loaded_at,
        raw_assignments_of_keys.raw_row_hash,
        raw_assignments_of_keys.raw_values
    from unattributed_assignments
    inner join raw_assignments_of_keys
        on
            unattributed_assignments.campaign_id = raw_assignments_of_keys.campaign_id
            and unattributed_assignments.customer_id = raw_assignments_of_keys.customer_id
            and coalesce(unattributed_assignments.raw_row_hash, raw_assignments_of_keys.raw_row_hash)
            = raw_assignments_of_keys.raw_row_hash

),

final as (

    select * from orders_with_values
    union all
    select * from items_with_values
    union all
    select * from events_with_values
    union all
    select * from responses_with_values
    union all
    select * from assignments_with_values

)

select * from final
