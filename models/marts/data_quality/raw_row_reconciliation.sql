{#-
    Every raw row accounted for, per raw table:
        raw_rows = clean_rows + rejected_rows + superseded_rows
    raw_rows are counted from the table's staging view of its raw rows as delivered
    (base_<source>__<table>_as_delivered: every raw row, nothing filtered), clean_rows from the
    last clean model of the table, rejected_rows from rejected_rows, superseded_rows (older versions and
    redeliveries) from the staging base model. A data test demands is_reconciled.
    conflicting_keys counts the clean rows kept over a conflicting version (has_version_conflict:
    another version with the same keep value and other content; the kept one was chosen by hash).
-#}

{%- set tables = [
    ('crm.customers', 'base_crm__customers_as_delivered', 'stg_crm__customers', 'base_crm__customers'),
    ('crm.nps_responses', 'base_crm__nps_responses_as_delivered', 'int_nps_responses_attributed',
        'base_crm__nps_responses'),
    ('shop.orders', 'base_shop__orders_as_delivered', 'int_orders_attributed', 'base_shop__orders'),
    ('shop.order_items', 'base_shop__order_items_as_delivered', 'int_order_items_attributed',
        'base_shop__order_items'),
    ('shop.products', 'base_shop__products_as_delivered', 'stg_shop__products', 'base_shop__products'),
    ('app.events', 'base_app__events_as_delivered', 'int_events_attributed', 'base_app__events'),
    ('marketing.campaigns', 'base_marketing__campaigns_as_delivered', 'stg_marketing__campaigns',
        'base_marketing__campaigns'),
    ('marketing.campaign_assignments', 'base_marketing__campaign_assignments_as_delivered',
        'int_campaign_assignments_attributed', 'base_marketing__campaign_assignments'),
] %}

with

rejected as (

    select
        source_table,
        count(*) as rejected_rows
    from {{ ref('rejected_rows') }}
    group by source_table

),

{% for source_table, delivered_model, clean_model, base_model in tables %}
    counts_{{ loop.index }} as (

        select
            '{{ source_table }}' as source_table,
            (select count(*) from {{ ref(delivered_model) }}) as raw_rows,
            (select count(*) from {{ ref(clean_model) }}) as clean_rows,
            (
                select count(*) from {{ ref(base_model) }}
                where row_status = 'superseded'
            ) as superseded_rows,
            (
                select count(*) from {{ ref(base_model) }}
                where row_status = 'clean' and has_version_conflict
            ) as conflicting_keys

    ),

{% endfor %}
counted as (

    {% for source_table, delivered_model, clean_model, base_model in tables %}
        select * from counts_{{ loop.index }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

final as (

    select
        cast(counted.source_table as {{ dbt.type_string() }}) as source_table,
        cast(counted.raw_rows as {{ dbt.type_bigint() }}) as raw_rows,
        cast(counted.clean_rows as {{ dbt.type_bigint() }}) as clean_rows,
        cast(coalesce(rejected.rejected_rows, 0) as {{ dbt.type_bigint() }}) as rejected_rows,
        cast(counted.superseded_rows as {{ dbt.type_bigint() }}) as superseded_rows,
        cast(counted.conflicting_keys as {{ dbt.type_bigint() }}) as conflicting_keys,
        counted.raw_rows
        = counted.clean_rows + coalesce(rejected.rejected_rows, 0) + counted.superseded_rows
            as is_reconciled
    from counted
    left join rejected
        on counted.source_table = rejected.source_table

)

select * from final
