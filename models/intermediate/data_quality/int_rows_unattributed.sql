{#-
    Rows that passed staging but could not be attributed downstream, each with its reason:
    orders, NPS answers, events and campaign assignments naming an unknown customer, orders
    without an exchange rate into the reporting currency, lines of orders that were not
    attributed, assignments to unknown campaigns, and second assignments of one person to a
    campaign after records were merged. Nothing leaves the pipeline without a row here or in
    the staging rejects (see rejected_rows and raw_row_reconciliation).
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

id_map as (

    select * from {{ ref('int_customer_ids_mapped') }}

),

attributed_orders as (

    select * from {{ ref('int_orders_attributed') }}

),

attributed_items as (

    select * from {{ ref('int_order_items_attributed') }}

),

attributed_events as (

    select * from {{ ref('int_events_attributed') }}

),

attributed_responses as (

    select * from {{ ref('int_nps_responses_attributed') }}

),

attributed_assignments as (

    select * from {{ ref('int_campaign_assignments_attributed') }}

),

unattributed_orders as (

    select
        'shop.orders' as source_table,
        orders.order_id as record_id,
        case
            when id_map.source_customer_id is null then 'unknown_customer'
            else 'missing_exchange_rate'
        end as reject_reason,
        orders.loaded_at,
        orders.raw_row_hash,
        orders.raw_values
    from orders
    left join attributed_orders
        on orders.order_id = attributed_orders.order_id
    left join id_map
        on orders.customer_id = id_map.source_customer_id
    where attributed_orders.order_id is null

),

unattributed_items as (

    select
        'shop.order_items' as source_table,
        order_items.order_item_id as record_id,
        'unknown_order' as reject_reason,
        order_items.loaded_at,
        order_items.raw_row_hash,
        order_items.raw_values
    from order_items
    left join attributed_items
        on order_items.order_item_id = attributed_items.order_item_id
    where attributed_items.order_item_id is null

),

unattributed_events as (

    select
        'app.events' as source_table,
        events.event_id as record_id,
        'unknown_customer' as reject_reason,
        events.loaded_at,
        events.raw_row_hash,
        events.raw_values
    from events
    left join attributed_events
        on events.event_id = attributed_events.event_id
    where attributed_events.event_id is null

),

unattributed_responses as (

    select
        'crm.nps_responses' as source_table,
        nps_responses.response_id as record_id,
        'unknown_customer' as reject_reason,
        nps_responses.loaded_at,
        nps_responses.raw_row_hash,
        nps_responses.raw_values
    from nps_responses
    left join attributed_responses
        on nps_responses.response_id = attributed_responses.response_id
    where attributed_responses.response_id is null

),

unattributed_assignments as (

    select
        'marketing.campaign_assignments' as source_table,
        {{ dbt.concat(['assignments.campaign_id', "'/'", 'assignments.customer_id']) }} as record_id,
        case
            when id_map.source_customer_id is null then 'unknown_customer'
            when campaigns.campaign_id is null then 'unknown_campaign'
            else 'duplicate_assignment_after_merge'
        end as reject_reason,
        assignments.loaded_at,
        assignments.raw_row_hash,
        assignments.raw_values
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

final as (

    select * from unattributed_orders
    union all
    select * from unattributed_items
    union all
    select * from unattributed_events
    union all
    select * from unattributed_responses
    union all
    select * from unattributed_assignments

)

select * from final
