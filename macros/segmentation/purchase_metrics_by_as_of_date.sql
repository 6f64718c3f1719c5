{#-
    Performance machinery, not a rule: the purchase metrics of every customer on each of many
    as-of dates, computed in time linear in purchases + output rows. The rules (rfm_scores.sql,
    lifecycle_stage.sql, value_tier.sql) read its output CTE purchase_metrics; the current marts
    call it with one as-of date (int_customer_purchases_aggregated), the history with the spine's
    dates (customer_segment_history). Unit tests: int_customer_purchases_aggregated.

    Output CTE purchase_metrics, one row per (as_of_date, customer_key) with a purchase on or
    before the date: first_purchase_date, last_purchase_date, previous_purchase_date (the second
    latest order date, two purchases on one day counted apiece), lifetime_purchases,
    lifetime_revenue, frequency and monetary (purchases and revenue in the RFM window
    (as_of - rfm_window_days, as_of]), loyal_window_purchases (in (as_of - loyal_window_days,
    as_of]), recency_days, days_since_first_purchase, days_between_last_two_purchases.
-#}


{#- Per (as_of_date, customer_key): the purchase facts every rule is built from.
    purchases: customer_key, order_date, net_amount (other columns are not read).
    as_of_dates: as_of_date (one date for the current marts, the spine or the dates an
    incremental run rebuilds for the history). Only purchases on or before each as-of date count.

    Linear in purchases + output rows, with no purchase x as-of date expansion: each purchase
    lands in its bucket, the first as-of date on or after its order date (purchases after the
    last as-of date are left out), and leaves each window (as_of - window days, as_of] at the
    bucket of order_date + window days, the first as-of date on which days_before_as_of =
    as_of - order_date is no longer < window days. Per customer and as-of date the metrics are
    then running sums / min / max over the customer's buckets: lifetime count and revenue,
    first and last purchase date, window count and revenue (+ at entry, - at exit) and the
    previous purchase date (the second latest order date, two purchases on one day counted
    apiece), which is the latest purchase's predecessor and so the running max of each
    purchase's predecessor date. The predecessors are ordered by order date alone: which of two
    purchases on one day comes first changes no predecessor's date, and a purchase's bucket
    depends only on its date, so the per-bucket maxima are the same in any order (sorting 9 M
    purchases by order_id too cost 0.4-1.5 s per model at 1 M customers).
    A purchase before the first as-of date lands in the first one, which is why an incremental
    run of the history that computes only some dates gets what a full build gets. -#}
{% macro purchase_metrics_by_as_of_date_ctes(purchases, as_of_dates) -%}
{%- set running = 'over (partition by customer_as_of_dates.customer_key order by customer_as_of_dates.as_of_date'
    ~ ' rows between unbounded preceding and current row)' -%}
{%- set windows = {'rfm': var('rfm_window_days'), 'loyal': var('loyal_window_days')} -%}
purchase_order_dates as (

    select distinct order_date from {{ purchases }}

),

bucket_boundaries as (

    -- the dates whose bucket is needed: order dates and the days each window ends after
    select order_date as boundary_date from purchase_order_dates
    {%- for name, days in windows.items() %}
    union
    select cast({{ dbt.dateadd('day', days, 'order_date') }} as date) as boundary_date
    from purchase_order_dates
    {%- endfor %}

),

date_buckets as (

    -- a few thousand distinct dates x the as-of dates, not purchases x as-of dates
    select
        bucket_boundaries.boundary_date,
        min({{ as_of_dates }}.as_of_date) as bucket_date
    from bucket_boundaries
    inner join {{ as_of_dates }}
        on bucket_boundaries.boundary_date <= {{ as_of_dates }}.as_of_date
    group by bucket_boundaries.boundary_date

),

purchases_bucketed as (

    select
        {{ purchases }}.customer_key,
        {{ purchases }}.order_date,
        {{ purchases }}.net_amount,
        lag({{ purchases }}.order_date) over (
            partition by {{ purchases }}.customer_key
            order by {{ purchases }}.order_date
        ) as preceding_order_date,
        entry_buckets.bucket_date as as_of_date
        {%- for name in windows %},
        {{ name }}_exit_buckets.bucket_date as {{ name }}_window_exit_date
        {%- endfor %}
    from {{ purchases }}
    inner join date_buckets as entry_buckets
        on {{ purchases }}.order_date = entry_buckets.boundary_date
    {%- for name, days in windows.items() %}
    left join date_buckets as {{ name }}_exit_buckets
        on cast({{ dbt.dateadd('day', days, purchases ~ '.order_date') }} as date) = {{ name }}_exit_buckets.boundary_date
    {%- endfor %}

),

purchase_deltas as (

    -- a purchase enters every measure in its bucket ...
    select
        customer_key,
        as_of_date,
        order_date as first_purchase_date,
        order_date as last_purchase_date,
        preceding_order_date,
        1 as purchases,
        net_amount as revenue,
        1 as rfm_window_purchases,
        net_amount as rfm_window_revenue,
        1 as loyal_window_purchases
    from purchases_bucketed
    {%- for name in windows %}
    union all
    -- ... and leaves the {{ name }} window in the bucket of order_date + {{ name }}_window_days
    select
        customer_key,
        {{ name }}_window_exit_date as as_of_date,
        cast(null as date) as first_purchase_date,
        cast(null as date) as last_purchase_date,
        cast(null as date) as preceding_order_date,
        0 as purchases,
        0 * net_amount as revenue,
        {{ -1 if name == 'rfm' else 0 }} as rfm_window_purchases,
        {{ '-1 * net_amount' if name == 'rfm' else '0 * net_amount' }} as rfm_window_revenue,
        {{ -1 if name == 'loyal' else 0 }} as loyal_window_purchases
    from purchases_bucketed
    where {{ name }}_window_exit_date is not null
    {%- endfor %}

),

purchase_deltas_per_bucket as (

    select
        customer_key,
        as_of_date,
        min(first_purchase_date) as first_purchase_date,
        max(last_purchase_date) as last_purchase_date,
        max(preceding_order_date) as preceding_order_date,
        sum(purchases) as purchases,
        sum(revenue) as revenue,
        sum(rfm_window_purchases) as rfm_window_purchases,
        sum(rfm_window_revenue) as rfm_window_revenue,
        sum(loyal_window_purchases) as loyal_window_purchases
    from purchase_deltas
    group by customer_key, as_of_date

),

customer_first_buckets as (

    select
        customer_key,
        min(as_of_date) as first_as_of_date
    from purchases_bucketed
    group by customer_key

),

customer_as_of_dates as (

    -- every as-of date from the customer's first bucket on: the output rows
    select
        customer_first_buckets.customer_key,
        {{ as_of_dates }}.as_of_date
    from customer_first_buckets
    inner join {{ as_of_dates }}
        on customer_first_buckets.first_as_of_date <= {{ as_of_dates }}.as_of_date

),

purchase_running_totals as (

    select
        customer_as_of_dates.as_of_date,
        customer_as_of_dates.customer_key,
        min(purchase_deltas_per_bucket.first_purchase_date) {{ running }} as first_purchase_date,
        max(purchase_deltas_per_bucket.last_purchase_date) {{ running }} as last_purchase_date,
        max(purchase_deltas_per_bucket.preceding_order_date) {{ running }} as previous_purchase_date,
        cast(sum(purchase_deltas_per_bucket.purchases) {{ running }} as {{ dbt.type_bigint() }})
            as lifetime_purchases,
        sum(purchase_deltas_per_bucket.revenue) {{ running }} as lifetime_revenue,
        -- the RFM window is (as_of - rfm_window_days, as_of]
        cast(sum(purchase_deltas_per_bucket.rfm_window_purchases) {{ running }} as {{ dbt.type_bigint() }})
            as frequency,
        sum(purchase_deltas_per_bucket.rfm_window_revenue) {{ running }} as monetary,
        cast(sum(purchase_deltas_per_bucket.loyal_window_purchases) {{ running }} as {{ dbt.type_bigint() }})
            as loyal_window_purchases
    from customer_as_of_dates
    left join purchase_deltas_per_bucket
        on
            customer_as_of_dates.customer_key = purchase_deltas_per_bucket.customer_key
            and customer_as_of_dates.as_of_date = purchase_deltas_per_bucket.as_of_date

),

purchase_metrics as (

    select
        *,
        {{ dbt.datediff('last_purchase_date', 'as_of_date', 'day') }} as recency_days,
        {{ dbt.datediff('first_purchase_date', 'as_of_date', 'day') }} as days_since_first_purchase,
        {{ dbt.datediff('previous_purchase_date', 'last_purchase_date', 'day') }}
            as days_between_last_two_purchases
    from purchase_running_totals

)
{%- endmacro %}
