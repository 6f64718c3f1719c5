{{
    config(
        materialized='incremental',
        unique_key='as_of_date',
        incremental_strategy=fact_incremental_strategy(),
        partition_by=date_key_partition_by('as_of_date'),
        on_schema_change='append_new_columns',
    )
}}

{#-
    Point-in-time segment history: for every as-of date of the spine (int_as_of_dates_spined)
    each customer's RFM scores and segment, lifecycle stage and value tier, computed only from
    data on or before that date by the same macros as the current marts.

    Incremental by as-of date (each date is replaced whole, as RFM quantiles rank all customers of
    a date): a run computes
    - the spine dates after the last one built;
    - every date on or after the order date of orders loaded since the last build (less var
      fact_lookback_days), so a late refund rewrites every period it touches;
    - every date on or after the first date of a customer whose built rows no longer hold. The
      run compares the built rows of the last built date, and each customer's first built date,
      with the same measures from today's data: a customer new or gone on that date (a late
      record, a merge, a test account), one who would now start on another spine date (a changed
      signup), or one whose recency, frequency, monetary or lifetime purchases and revenue differ
      (orders re-attributed by a merge, with no order loaded). A profile update that changes none
      of these rewrites nothing. Every date a customer's rows can differ on is at or after its
      first date, then or now.
      A customer with orders loaded since the last build is compared on its check date instead:
      the last built date before the earliest of those orders. Its rows from that order's date on
      are rebuilt anyway (above), and a row depends only on the purchases up to its date, so only
      a difference up to the check date (an order re-attributed, or an old order moved to a later
      date) needs its earlier dates: a late refund rewrites the periods from its order, not the
      customer's whole history. The comparison reads the built rows once and the purchases once,
      each customer's measures taken on its own check date. In a Spark unit test every customer
      is compared on the last built date (macro history_compares_check_dates).
    - for backfills, the dates between vars history_rebuild_from and history_rebuild_to.
    Only those dates are computed. On Spark the comparison runs first, as a query of its own, and
    the model's query gets its dates as a list (macro history_dates_to_build says why); a Spark
    unit test computes every date and the final CTE keeps these (history_dates_computed).
    Not seen: a re-attribution that leaves every compared measure of both customers as it was
    (orders of equal count and amount swapped within the same first and last purchase dates);
    history_rebuild_from or --full-refresh rebuilds then.
-#}

-- depends_on: {{ ref('rfm_fixed_cut_points') }}

{%- set compared_measures = [
    'recency_days', 'frequency', 'monetary', 'lifetime_purchases', 'lifetime_revenue'
] %}

with

{#- the inputs of the dates-to-build comparison too (history_dates_to_build) #}
{%- set comparison_inputs %}
spine as (

    select * from {{ ref('int_as_of_dates_spined') }}

),

purchases as (

    select * from {{ ref('int_purchases_filtered') }}

),

orders as (

    select * from {{ ref('int_orders_attributed') }}

),

customers as (

    select * from {{ ref('int_customers_merged') }}

)
{%- endset %}
{{ comparison_inputs }},

{% if var('rfm_scoring_method') == 'fixed' %}
    fixed_cut_points as (

        select * from {{ ref('rfm_fixed_cut_points') }}

    ),
{% endif %}

segment_map as (

    select * from {{ ref('rfm_segment_map') }}

),

segments as (

    select * from {{ ref('rfm_segments') }}

),

tiers as (

    select * from {{ ref('value_tiers') }}

),

source_watermark as (

    select max(loaded_at) as source_loaded_at
    from (
        select loaded_at from orders
        union all
        select loaded_at from customers
    ) as loads

),

{% if is_incremental() %}
    {% set comparison -%}
    built as (

        select
            max(as_of_date) as last_as_of_date,
            {{ dbt.dateadd('day', -1 * var('fact_lookback_days') | int, 'max(source_loaded_at)') }}
                as built_watermark
        from {{ this }}

    ),

    -- customers: what the built rows say of each customer, against today's data (see above)

    spine_ordered as (

        select
            as_of_date,
            lag(as_of_date) over (order by as_of_date) as previous_as_of_date
        from spine

    ),

    -- the orders loaded since the last build, per customer: every date from the earliest is
    -- rebuilt (changed_since); an order after the last built date changes nothing up to it, and
    -- the dates after it are built anyway

    loaded_orders_by_customer as (

        select
            orders.customer_key,
            min(orders.order_date) as first_loaded_order_date
        from orders
        cross join built
        where
            (orders.loaded_at > built.built_watermark or orders.loaded_at is null)
            and orders.order_date <= built.last_as_of_date
        group by orders.customer_key

    ),

    -- customers with orders loaded since the last build: compared on their check date, the last
    -- built date before the earliest of those orders (none: every date from the first is rebuilt
    -- by that order); every other customer on the last built date. None in a Spark unit test,
    -- where the filter below is false (history_compares_check_dates says why).

    loaded_customer_check_dates as (

        select
            loaded_orders_by_customer.customer_key,
            max(spine.as_of_date) as check_date
        from loaded_orders_by_customer
        inner join spine
            -- before the first loaded order, so on or before the last built date
            on spine.as_of_date < loaded_orders_by_customer.first_loaded_order_date
        -- false in a Spark unit test: none (macro history_compares_check_dates)
        where {{ history_compares_check_dates() | string | lower }}
        group by loaded_orders_by_customer.customer_key

    ),

    -- one pass over the built rows: each customer's first built date, whether it has a row on the
    -- last built date and on its check date, and its measures on the check date

    built_rows as (

        select
            history.customer_key,
            history.as_of_date,
            built.last_as_of_date,
            history.as_of_date = coalesce(loaded_customer_check_dates.check_date, built.last_as_of_date)
                as is_on_check_date,
            history.recency_days,
            history.frequency,
            history.monetary,
            history.lifetime_purchases,
            history.lifetime_revenue
        from {{ this }} as history
        cross join built
        left join loaded_customer_check_dates
            on history.customer_key = loaded_customer_check_dates.customer_key

    ),

    built_rows_by_customer as (

        select
            customer_key,
            min(as_of_date) as first_as_of_date,
            max(case when as_of_date = last_as_of_date then 1 else 0 end) as is_built_on_last_date,
            max(case when is_on_check_date then 1 else 0 end) as is_built_on_check_date,
            -- the measures compared (compared_measures): one row per customer and date
            max(case when is_on_check_date then recency_days end) as recency_days,
            max(case when is_on_check_date then frequency end) as frequency,
            max(case when is_on_check_date then monetary end) as monetary,
            max(case when is_on_check_date then lifetime_purchases end) as lifetime_purchases,
            max(case when is_on_check_date then lifetime_revenue end) as lifetime_revenue
        from built_rows
        group by customer_key

    ),

    built_customers as (

        select
            built_rows_by_customer.customer_key,
            built_rows_by_customer.first_as_of_date,
            spine_ordered.previous_as_of_date as date_before_first,
            -- not built on its check date: see customers_changed
            built_rows_by_customer.is_built_on_check_date = 1 as is_built_on_check_date,
            built_rows_by_customer.recency_days,
            built_rows_by_customer.frequency,
            built_rows_by_customer.monetary,
            built_rows_by_customer.lifetime_purchases,
            built_rows_by_customer.lifetime_revenue
        from built_rows_by_customer
        left join spine_ordered
            on built_rows_by_customer.first_as_of_date = spine_ordered.as_of_date
        -- a customer without a row on the last built date is gone from it
        where built_rows_by_customer.is_built_on_last_date = 1

    ),

    -- one pass over the purchases up to the last built date: each customer's first purchase, and
    -- its measures on its check date

    purchases_compared as (

        select
            purchases.customer_key,
            min(purchases.order_date) as first_purchase_date,
            {{ compared_purchase_measures(
                'purchases', 'coalesce(loaded_customer_check_dates.check_date, built.last_as_of_date)'
            ) }}
        from purchases
        cross join built
        left join loaded_customer_check_dates
            on purchases.customer_key = loaded_customer_check_dates.customer_key
        where purchases.order_date <= built.last_as_of_date
        group by purchases.customer_key

    ),

    current_customers as (

        select
            customers.customer_key,
            -- a customer exists from signup or first purchase, whichever is earlier (null ignored)
            least(customers.signup_date, purchases_compared.first_purchase_date) as first_existing_date,
            purchases_compared.recency_days,
            purchases_compared.frequency,
            purchases_compared.monetary,
            coalesce(purchases_compared.lifetime_purchases, 0) as lifetime_purchases,
            coalesce(purchases_compared.lifetime_revenue, 0) as lifetime_revenue
        from customers
        cross join built
        left join purchases_compared
            on customers.customer_key = purchases_compared.customer_key
        where
            not customers.is_test_account
            and (
                customers.signup_date <= built.last_as_of_date
                or purchases_compared.customer_key is not null
            )

    ),

    customers_changed as (

        select
            built_customers.first_as_of_date,
            current_customers.first_existing_date
        from built_customers
        full outer join current_customers
            on built_customers.customer_key = current_customers.customer_key
        where
            built_customers.customer_key is null
            or current_customers.customer_key is null
            -- today the customer would start on another spine date
            or current_customers.first_existing_date > built_customers.first_as_of_date
            or current_customers.first_existing_date <= built_customers.date_before_first
            -- not built on its check date and, by the two lines above, not existing then either
            or (
                built_customers.is_built_on_check_date
                and {{ any_values_differ('built_customers', 'current_customers', compared_measures) }}
            )

    ),

    changed_since as (

        select min(changed_date) as changed_from
        from (
            -- orders loaded since the last build, from their order date
            select first_loaded_order_date as changed_date from loaded_orders_by_customer
            union all
            -- changed customers, from the first date they exist on in the built rows or today
            select first_as_of_date as changed_date from customers_changed
            union all
            select first_existing_date as changed_date from customers_changed
        ) as changes

    ),

    dates_to_build as (

        select spine.as_of_date
        from spine
        cross join built
        cross join changed_since
        where
            built.last_as_of_date is null
            or spine.as_of_date > built.last_as_of_date
            or spine.as_of_date >= changed_since.changed_from
            -- backfill: vars history_rebuild_from / _to
            or {{ in_history_rebuild_range('spine.as_of_date') }}

    )
    {%- endset %}
    {{ history_dates_to_build(comparison_inputs, comparison) }},

    as_of_dates as (

        {{ history_dates_computed('spine', 'dates_to_build') }}

    ),
{% else %}
    as_of_dates as (

        select as_of_date from spine

    ),
{% endif %}

{{ purchase_metrics_ctes('purchases', 'as_of_dates') }},

{{ rfm_score_ctes('purchase_metrics_final', 'fixed_cut_points') }},

{{ rfm_segment_ctes('rfm_scores', 'segment_map', 'segments') }},

{{ existing_customers_ctes('customers', 'as_of_dates', 'purchase_metrics_final') }},

{{ lifecycle_stage_ctes('existing_customers', 'purchase_metrics_final') }},

{{ value_tier_ctes('purchase_metrics_final', 'tiers') }},

final as (

    select
        -- keys
        cast(lifecycle_staged.as_of_date as date) as as_of_date,
        cast(lifecycle_staged.customer_key as {{ dbt.type_string() }}) as customer_key,

        -- measures
        cast(lifecycle_staged.recency_days as {{ dbt.type_int() }}) as recency_days,
        cast(rfm_segmented.frequency as {{ dbt.type_int() }}) as frequency,
        cast(rfm_segmented.monetary as {{ amount_type() }}) as monetary,
        cast(lifecycle_staged.lifetime_purchases as {{ dbt.type_int() }}) as lifetime_purchases,
        cast(coalesce(value_tiered.lifetime_revenue, 0) as {{ amount_type() }}) as lifetime_revenue,

        -- rfm
        cast(rfm_segmented.r_score as {{ dbt.type_int() }}) as r_score,
        cast(rfm_segmented.f_score as {{ dbt.type_int() }}) as f_score,
        cast(rfm_segmented.m_score as {{ dbt.type_int() }}) as m_score,
        cast(rfm_segmented.fm_score as {{ dbt.type_int() }}) as fm_score,
        cast(rfm_segmented.rfm_segment as {{ dbt.type_string() }}) as rfm_segment,
        cast(rfm_segmented.rfm_group as {{ dbt.type_string() }}) as rfm_group,

        -- lifecycle and value
        cast(lifecycle_staged.lifecycle_stage as {{ dbt.type_string() }}) as lifecycle_stage,
        cast(value_tiered.value_tier as {{ dbt.type_string() }}) as value_tier,

        -- lineage
        cast(source_watermark.source_loaded_at as {{ dbt.type_timestamp() }}) as source_loaded_at

    from lifecycle_staged
    cross join source_watermark
    left join rfm_segmented
        on
            lifecycle_staged.as_of_date = rfm_segmented.as_of_date
            and lifecycle_staged.customer_key = rfm_segmented.customer_key
    left join value_tiered
        on
            lifecycle_staged.as_of_date = value_tiered.as_of_date
            and lifecycle_staged.customer_key = value_tiered.customer_key
    {% if is_incremental() %}
        -- the dates this run builds: all computed dates but in a Spark unit test (history_dates_computed)
        where lifecycle_staged.as_of_date in (select dates_to_build.as_of_date from dates_to_build)
    {% endif %}

)

select * from final
