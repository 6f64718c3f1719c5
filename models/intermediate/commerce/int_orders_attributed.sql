{{
    config(
        materialized=fact_materialization(),
        unique_key='order_id',
        incremental_strategy=fact_incremental_strategy(),
        on_schema_change='append_new_columns',
    )
}}

{#-
    Orders attributed to the person who placed them (customer_key, through the identity
    map) and converted into var reporting_currency with the rate valid on the local order
    date. Orders of unknown customers or without a rate are not here: they are reported in
    int_rows_unattributed with their reason.
    net_amount = gross_amount - discount_amount - refunded_amount, in the reporting currency.
-#}

-- depends_on: {{ ref('stg_crm__customers') }}

with

orders as (

    select * from {{ ref('stg_shop__orders') }}
    {% if is_incremental() %}
        -- rows loaded since the last build, minus var fact_lookback_days for late arrivals
        where {{ fact_rows_changed_since_watermark() }}
    {% endif %}

),

id_map as (

    select * from {{ ref('int_customer_ids_mapped') }}

),

exchange_rates as (

    select * from {{ ref('exchange_rates') }}

),

rates_ranged as (

    select
        currency_code,
        valid_from,
        lead(valid_from) over (
            partition by currency_code
            order by valid_from
        ) as valid_until,
        rate
    from exchange_rates
    where quote_currency = '{{ var("reporting_currency") }}'

),

orders_with_rate as (

    select
        orders.*,
        case
            when orders.currency_code = '{{ var("reporting_currency") }}' then 1
            else rates_ranged.rate
        end as exchange_rate
    from orders
    left join rates_ranged
        on
            orders.currency_code = rates_ranged.currency_code
            and orders.order_date >= rates_ranged.valid_from
            and (orders.order_date < rates_ranged.valid_until or rates_ranged.valid_until is null)

),

final as (

    select
        -- ids
        orders_with_rate.order_id,
        id_map.customer_key,
        orders_with_rate.customer_id as source_customer_id,

        -- strings
        orders_with_rate.order_status,
        orders_with_rate.currency_code,
        orders_with_rate.sales_channel,

        -- numerics (order currency)
        orders_with_rate.gross_amount as gross_amount_original,
        orders_with_rate.exchange_rate,

        -- numerics (reporting currency)
        cast(orders_with_rate.gross_amount * orders_with_rate.exchange_rate as {{ amount_type() }})
            as gross_amount,
        cast(orders_with_rate.discount_amount * orders_with_rate.exchange_rate as {{ amount_type() }})
            as discount_amount,
        cast(orders_with_rate.refunded_amount * orders_with_rate.exchange_rate as {{ amount_type() }})
            as refunded_amount,
        cast(
            (
                orders_with_rate.gross_amount
                - orders_with_rate.discount_amount
                - orders_with_rate.refunded_amount
            ) * orders_with_rate.exchange_rate as {{ amount_type() }}
        ) as net_amount,

        -- flags
        id_map.is_test_account,

        -- timestamps
        orders_with_rate.ordered_at,
        orders_with_rate.ordered_at_local,
        orders_with_rate.order_date,
        orders_with_rate.updated_at,
        orders_with_rate.loaded_at

    from orders_with_rate
    inner join id_map
        on orders_with_rate.customer_id = id_map.source_customer_id
    where orders_with_rate.exchange_rate is not null

)

select * from final
