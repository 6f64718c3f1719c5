{{
    config(
        materialized=fact_materialization(),
        unique_key=['source_table', 'record_id'],
        incremental_strategy=fact_incremental_strategy(),
        on_schema_change='sync_all_columns',
        post_hook="{{ delete_withdrawn_rows('reject_reason is null') }}",
    )
}}

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
    assignments, whose attribution has more conditions, are anti-joined on their key. Every run
    classifies every clean row again (about 6 s at 1 M customers): whether a row is attributed
    depends on customers, orders and rates that may arrive long after it.

    The base models keep raw values only for their own rejects, so the raw values (and the
    fingerprint of a row that was the only one of its key) of these rows are read again, through
    the staging views base_<source>__<table>_as_delivered: the raw rows of their keys, matched on
    the fingerprint where a key has several. That read is what costs (1 M customers: 11 s to
    find 150 k events among 50 M), so an incremental run takes the raw values of the rows it already holds from itself, reads
    only the raw rows loaded since the earliest of the others (delivered_rows_of_keys), and writes
    only what changed, with a withdrawal row for each row no longer rejected. On Spark, which
    cannot delete rows, it is a table rebuilt on every run (fact_materialization).
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

delivered_orders as {{ not_materialized() }} (

    select * from {{ ref('base_shop__orders_as_delivered') }}

),

delivered_order_items as {{ not_materialized() }} (

    select * from {{ ref('base_shop__order_items_as_delivered') }}

),

delivered_events as {{ not_materialized() }} (

    select * from {{ ref('base_app__events_as_delivered') }}

),

delivered_nps_responses as {{ not_materialized() }} (

    select * from {{ ref('base_crm__nps_responses_as_delivered') }}

),

delivered_assignments as {{ not_materialized() }} (

    select * from {{ ref('base_marketing__campaign_assignments_as_delivered') }}

),
{% if is_incremental() %}
    previous as (

        select * from {{ this }}

    ),
{% endif %}

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

unattributed as (

    select
        'shop.orders' as source_table,
        order_id as record_id,
        reject_reason,
        loaded_at,
        raw_row_hash
    from unattributed_orders
    union all
    select
        'shop.order_items' as source_table,
        order_item_id as record_id,
        reject_reason,
        loaded_at,
        raw_row_hash
    from unattributed_items
    union all
    select
        'app.events' as source_table,
        event_id as record_id,
        reject_reason,
        loaded_at,
        raw_row_hash
    from unattributed_events
    union all
    select
        'crm.nps_responses' as source_table,
        response_id as record_id,
        reject_reason,
        loaded_at,
        raw_row_hash
    from unattributed_responses
    union all
    select
        'marketing.campaign_assignments' as source_table,
        {{ unattributed_record_id(['campaign_id', 'customer_id']) }} as record_id,
        reject_reason,
        loaded_at,
        raw_row_hash
    from unattributed_assignments

),

{% if is_incremental() %}
    -- rows this model already holds, as the same raw row (same load time, and same fingerprint
    -- where the base model knows it): their raw values are taken from it. Raw tables only grow,
    -- so a key whose only row was held keeps that row, and a key with several rows names its row
    -- by fingerprint.
    kept as (

        select
            unattributed.source_table,
            unattributed.record_id,
            unattributed.reject_reason,
            unattributed.loaded_at,
            previous.raw_row_hash,
            previous.raw_values,
            previous.reject_reason as held_reason
        from unattributed
        inner join previous
            on
                unattributed.source_table = previous.source_table
                and unattributed.record_id = previous.record_id
                and coalesce(unattributed.raw_row_hash, previous.raw_row_hash) = previous.raw_row_hash
                and (
                    unattributed.loaded_at = previous.loaded_at
                    or (unattributed.loaded_at is null and previous.loaded_at is null)
                )

    ),
{% endif %}

-- the other rows (every row on a full build): their raw values are read from the raw rows again

to_look_up as (

    select unattributed.*
    from unattributed
    {% if is_incremental() %}
        left join kept
            on
                unattributed.source_table = kept.source_table
                and unattributed.record_id = kept.record_id
        where kept.record_id is null
    {% endif %}

),

raw_rows as (

    {{ delivered_rows_of_keys('delivered_orders', 'shop.orders', 'to_look_up') }}
    union all
    {{ delivered_rows_of_keys('delivered_order_items', 'shop.order_items', 'to_look_up') }}
    union all
    {{ delivered_rows_of_keys('delivered_events', 'app.events', 'to_look_up') }}
    union all
    {{ delivered_rows_of_keys('delivered_nps_responses', 'crm.nps_responses', 'to_look_up') }}
    union all
    {{ delivered_rows_of_keys('delivered_assignments', 'marketing.campaign_assignments', 'to_look_up') }}

),

-- each row looked up with its raw values: the only raw row of its key, or the one with its fingerprint

looked_up as (

    select
        to_look_up.source_table,
        to_look_up.record_id,
        to_look_up.reject_reason,
        to_look_up.loaded_at,
        raw_rows.raw_row_hash,
        raw_rows.raw_values,
        cast(null as {{ dbt.type_string() }}) as held_reason
    from to_look_up
    inner join raw_rows
        on
            to_look_up.source_table = raw_rows.source_table
            and to_look_up.record_id = raw_rows.record_id
            and coalesce(to_look_up.raw_row_hash, raw_rows.raw_row_hash) = raw_rows.raw_row_hash

),

unattributed_with_values as (

    {% if is_incremental() %}
        select * from kept
        union all
    {% endif %}
    select * from looked_up

),

{% if is_incremental() %}
    -- a withdrawal (null reason) for each held row no longer rejected: it deletes the held row
    -- (delete+insert on source_table, record_id) and is deleted itself by the post-hook
    withdrawn as (

        select
            previous.source_table,
            previous.record_id,
            cast(null as {{ dbt.type_string() }}) as reject_reason,
            cast(null as {{ dbt.type_timestamp() }}) as loaded_at,
            cast(null as {{ dbt.type_string() }}) as raw_row_hash,
            cast(null as {{ dbt.type_string() }}) as raw_values,
            cast(null as {{ dbt.type_string() }}) as held_reason
        from previous
        left join unattributed_with_values
            on
                previous.source_table = unattributed_with_values.source_table
                and previous.record_id = unattributed_with_values.record_id
        where unattributed_with_values.record_id is null

    ),

    -- an incremental run writes only what changed: every row looked up (new, or a new version of a
    -- held key: a row held as the same raw row is kept, not looked up; held_reason null), a held
    -- row whose reason changed, and the withdrawals
    changed as (

        select * from unattributed_with_values
        where held_reason is null or reject_reason <> held_reason
        union all
        select * from withdrawn

    ),
{% endif %}

final as (

    select
        source_table,
        record_id,
        reject_reason,
        loaded_at,
        raw_row_hash,
        raw_values
    {% if is_incremental() %}
        from changed
    {% else %}
        from unattributed_with_values
    {% endif %}

)

select * from final
