{{
    config(
        materialized=fact_materialization(),
        unique_key='order_id',
        incremental_strategy=fact_incremental_strategy(),
        on_schema_change='append_new_columns',
        post_hook="{{ delete_withdrawn_rows('customer_key is null') }}",
    )
}}

{#-
    Orders attributed to the person who placed them (customer_key, through the identity
    map) and converted into var reporting_currency with the rate valid on the local order
    date (var reporting_currency in any case: usd is USD; a currency the exchange_rates seed has
    no rates into stops the build, macro assert_reporting_currency_has_rates). Orders of unknown
    customers or without a rate are not here: they are reported in
    int_rows_unattributed with their reason.
    An incremental run reprocesses the orders loaded since its watermark and those of persons
    whose customer record changed; a reprocessed order it can no longer attribute (its new
    version names an unknown customer or a currency without a rate) is written with a null
    customer_key, which deletes its held row (delete+insert on order_id) and is deleted by the
    post-hook (delete_withdrawn_rows), so the order leaves this model as on a full build and
    int_rows_unattributed lists it.
    net_amount = gross_amount - discount_amount - refunded_amount, in the reporting currency.
-#}

{{ assert_reporting_currency_has_rates(ref('exchange_rates'), ref('stg_shop__orders')) }}

with

staged_orders as (

    select * from {{ ref('stg_shop__orders') }}

),

id_map as {{ not_materialized() }} (

    select * from {{ ref('int_customer_ids_mapped') }}

),

-- read only by an incremental run (the persons whose record changed)
customer_records as ( -- noqa: ST03

    select * from {{ ref('stg_crm__customers') }}

),

exchange_rates as (

    select * from {{ ref('exchange_rates') }}

),

{% if is_incremental() %}
    changed_customer_ids as (

        {{ customer_ids_changed_since_watermark('id_map', 'customer_records') }}

    ),
{% endif %}

orders as (

    select * from staged_orders
    {% if is_incremental() %}
        -- rows loaded since the last build (less var fact_lookback_days for late arrivals), and the
        -- orders of persons whose customer record changed since
        where {{ fact_rows_changed_since_watermark('changed_customer_ids') }}
    {% endif %}

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
    where quote_currency = '{{ reporting_currency() }}'

),

orders_with_rate as (

    select
        orders.*,
        case
            when orders.currency_code = '{{ reporting_currency() }}' then 1
            else rates_ranged.rate
        end as exchange_rate
    from orders
    left join rates_ranged
        on
            orders.currency_code = rates_ranged.currency_code
            and orders.order_date >= rates_ranged.valid_from
            and (orders.order_date < rates_ranged.valid_until or rates_ranged.valid_until is null)

),

-- the person of each order, none when it cannot be attributed (an unknown customer, no rate)

orders_attributed as (

    select
        orders_with_rate.*,
        case
            when orders_with_rate.exchange_rate is not null then id_map.customer_key
        end as customer_key,
        id_map.is_test_account
    from orders_with_rate
    left join id_map
        on orders_with_rate.customer_id = id_map.source_customer_id

),

final as (

    select
        -- ids
        order_id,
        customer_key,
        customer_id as source_customer_id,

        -- strings
        order_status,
        currency_code,
        sales_channel,

        -- numerics (order currency)
        gross_amount as gross_amount_original,
        exchange_rate,

        -- numerics (reporting currency)
        {{ multiply_amount('gross_amount', 'exchange_rate') }} as gross_amount,
        {{ multiply_amount('discount_amount', 'exchange_rate') }} as discount_amount,
        {{ multiply_amount('refunded_amount', 'exchange_rate') }} as refunded_amount,
        {{ multiply_amount('gross_amount - discount_amount - refunded_amount', 'exchange_rate') }}
            as net_amount,

        -- flags
        is_test_account,

        -- timestamps
        ordered_at,
        ordered_at_local,
        order_date,
        updated_at,
        loaded_at

    from orders_attributed
    {% if not is_incremental() %}
        where customer_key is not null
    {% endif %}

)

select * from final
