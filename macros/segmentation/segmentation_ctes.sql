{#-
    The segmentation rules, written once and shared by the current marts (one as-of date)
    and by point-in-time history (many as-of dates). Each macro emits CTEs that read the
    CTE names it is given and partition everything by as_of_date, so nothing on one as-of
    date can see data of another. README "Segments" and DECISIONLOG.md explain each rule.
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
{% macro purchase_metrics_ctes(purchases, as_of_dates) -%}
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

purchase_metrics as (

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

purchase_metrics_final as (

    select
        *,
        {{ dbt.datediff('last_purchase_date', 'as_of_date', 'day') }} as recency_days,
        {{ dbt.datediff('first_purchase_date', 'as_of_date', 'day') }} as days_since_first_purchase,
        {{ dbt.datediff('previous_purchase_date', 'last_purchase_date', 'day') }}
            as days_between_last_two_purchases
    from purchase_metrics

)
{%- endmacro %}


{#- Per (as_of_date, customer_key) of metrics: R, F, M scores 1-5, fm_score and the cut
    points that decided them. Scores count the cut points strictly below the value, so equal
    values always share a score and a mass of equal values stays in one band. -#}
{% macro rfm_score_ctes(metrics, fixed_cut_points) -%}
{%- set measures = ['recency_days', 'frequency', 'monetary'] -%}
rfm_cut_points as (

    {%- if var('rfm_scoring_method') == 'fixed' %}

    select
        as_of_dates.as_of_date,
        {%- for measure in measures %}
        {%- set outer_loop = loop %}
        {%- for cut in range(1, 5) %}
        max(
            case when {{ fixed_cut_points }}.metric = '{{ measure }}' then {{ fixed_cut_points }}.cut_{{ cut }} end
        ) as {{ measure }}_cut_{{ cut }}{{ "," if not (outer_loop.last and loop.last) }}
        {%- endfor %}
        {%- endfor %}
    from (select distinct as_of_date from {{ metrics }}) as as_of_dates
    cross join {{ fixed_cut_points }}
    group by as_of_dates.as_of_date

    {%- else %}

    select
        as_of_date,
        {%- for measure in measures %}
        {%- set outer_loop = loop %}
        {%- for cut in range(1, 5) %}
        {{ percentile_cont('cast(' ~ measure ~ ' as ' ~ type_double() ~ ')', cut / 5) }}
            as {{ measure }}_cut_{{ cut }}{{ "," if not (outer_loop.last and loop.last) }}
        {%- endfor %}
        {%- endfor %}
    from {{ metrics }}
    group by as_of_date

    {%- endif %}

),

rfm_scored as (

    select
        {{ metrics }}.*,
        {%- for measure in measures %}
        {%- for cut in range(1, 5) %}
        rfm_cut_points.{{ measure }}_cut_{{ cut }},
        {%- endfor %}
        {%- endfor %}
        5 - (
            {%- for cut in range(1, 5) %}
            case when rfm_cut_points.recency_days_cut_{{ cut }} < {{ metrics }}.recency_days then 1 else 0 end
            {{- " +" if not loop.last }}
            {%- endfor %}
        ) as r_score,
        {%- for measure, score in [('frequency', 'f_score'), ('monetary', 'm_score')] %}
        1 + (
            {%- for cut in range(1, 5) %}
            case when rfm_cut_points.{{ measure }}_cut_{{ cut }} < {{ metrics }}.{{ measure }} then 1 else 0 end
            {{- " +" if not loop.last }}
            {%- endfor %}
        ) as {{ score }}{{ "," if not loop.last }}
        {%- endfor %}
    from {{ metrics }}
    inner join rfm_cut_points
        on {{ metrics }}.as_of_date = rfm_cut_points.as_of_date

),

rfm_scores as (

    select
        *,
        -- (f + m) / 2 rounded half up: (f + m + 1) / 2 rounded down
        cast(floor((f_score + m_score + 1) / 2.0) as {{ dbt.type_int() }}) as fm_score
    from rfm_scored

)
{%- endmacro %}


{#- Per (as_of_date, customer_key) of customers: the lifecycle stage, first matching rule
    wins. customers: as_of_date, customer_key (everyone who exists on the date);
    metrics: purchase_metrics_final rows (purchasers only). -#}
{% macro lifecycle_stage_ctes(customers, metrics) -%}
lifecycle_staged as (

    select
        {{ customers }}.as_of_date,
        {{ customers }}.customer_key,
        {{ metrics }}.first_purchase_date,
        {{ metrics }}.last_purchase_date,
        {{ metrics }}.previous_purchase_date,
        {{ metrics }}.recency_days,
        {{ metrics }}.days_since_first_purchase,
        {{ metrics }}.days_between_last_two_purchases,
        coalesce({{ metrics }}.lifetime_purchases, 0) as lifetime_purchases,
        coalesce({{ metrics }}.loyal_window_purchases, 0) as loyal_window_purchases,
        case
            when {{ metrics }}.customer_key is null then 'prospect'
            when {{ metrics }}.recency_days > {{ var('churn_days') }} then 'churned'
            when {{ metrics }}.recency_days > {{ var('at_risk_days') }} then 'at_risk'
            when {{ metrics }}.days_since_first_purchase <= {{ var('new_customer_days') }} then 'new'
            when {{ metrics }}.days_between_last_two_purchases > {{ var('churn_days') }} then 'reactivated'
            when {{ metrics }}.loyal_window_purchases >= {{ var('loyal_min_purchases') }} then 'loyal'
            else 'active'
        end as lifecycle_stage
    from {{ customers }}
    left join {{ metrics }}
        on
            {{ customers }}.as_of_date = {{ metrics }}.as_of_date
            and {{ customers }}.customer_key = {{ metrics }}.customer_key

)
{%- endmacro %}


{#- Per (as_of_date, customer_key) of metrics: the value tier by lifetime net revenue.
    p = cume_dist() over revenue descending (ties share the larger p); the tier is the one
    with the smallest max_cume_dist >= p in the value_tiers seed (of equal cut points, the
    first tier_code). -#}
{% macro value_tier_ctes(metrics, tiers) -%}
revenue_ranked as (

    select
        as_of_date,
        customer_key,
        lifetime_revenue,
        lifetime_purchases,
        rank() over (partition by as_of_date order by lifetime_revenue desc) as revenue_rank,
        cume_dist() over (partition by as_of_date order by lifetime_revenue desc) as revenue_cume_dist
    from {{ metrics }}

),

tier_bounds as (

    -- each tier holds p in (the next smaller max_cume_dist, its max_cume_dist]; p > 0 always
    select
        tier_code,
        max_cume_dist,
        coalesce(
            lag(max_cume_dist) over (order by max_cume_dist, tier_code), 0
        ) as min_cume_dist_exclusive
    from {{ tiers }}

),

value_tiered as (

    -- a range join on the few tiers: one match per customer, no ranking of every candidate
    select
        revenue_ranked.as_of_date,
        revenue_ranked.customer_key,
        revenue_ranked.lifetime_revenue,
        revenue_ranked.lifetime_purchases,
        revenue_ranked.revenue_rank,
        revenue_ranked.revenue_cume_dist,
        tier_bounds.tier_code as value_tier,
        tier_bounds.max_cume_dist as tier_max_cume_dist
    from revenue_ranked
    inner join tier_bounds
        on
            revenue_ranked.revenue_cume_dist <= tier_bounds.max_cume_dist
            and revenue_ranked.revenue_cume_dist > tier_bounds.min_cume_dist_exclusive

)
{%- endmacro %}


{#- Per as-of date, every real customer who exists on it: signed up on or before the date,
    or purchased on or before it (metrics has a row). CTE existing_customers. -#}
{% macro existing_customers_ctes(customers, as_of_dates, metrics) -%}
existing_customers as (

    select
        {{ as_of_dates }}.as_of_date,
        {{ customers }}.customer_key
    from {{ customers }}
    cross join {{ as_of_dates }}
    left join {{ metrics }}
        on
            {{ customers }}.customer_key = {{ metrics }}.customer_key
            and {{ as_of_dates }}.as_of_date = {{ metrics }}.as_of_date
    where
        not {{ customers }}.is_test_account
        and (
            {{ customers }}.signup_date <= {{ as_of_dates }}.as_of_date
            or {{ metrics }}.customer_key is not null
        )

)
{%- endmacro %}


{#- The named segment and group of each scored (r_score, fm_score). CTE rfm_segmented. -#}
{% macro rfm_segment_ctes(scores, segment_map, segments) -%}
rfm_segmented as (

    select
        {{ scores }}.*,
        {{ segment_map }}.segment_code as rfm_segment,
        {{ segments }}.group_code as rfm_group
    from {{ scores }}
    left join {{ segment_map }}
        on
            {{ scores }}.r_score = {{ segment_map }}.r_score
            and {{ scores }}.fm_score = {{ segment_map }}.fm_score
    left join {{ segments }}
        on {{ segment_map }}.segment_code = {{ segments }}.segment_code

)
{%- endmacro %}


{#- The measures the incremental customer_segment_history compares per customer, aggregated over
    a customer's purchases (grouped by customer) on or before as_of, an expression that may differ
    between customers: recency_days, lifetime_purchases, lifetime_revenue, and frequency and
    monetary in the RFM window (as_of - rfm_window_days, as_of], as the history computes them.
    Purchases after as_of count for none; a customer with none on or before it gets null in each,
    as if it had no purchase row. -#}
{% macro compared_purchase_measures(purchases, as_of) -%}
    {%- set order_date = purchases ~ '.order_date' -%}
    {%- set counted = 'case when ' ~ order_date ~ ' <= ' ~ as_of ~ ' then ' -%}
    {%- set in_window = order_date ~ ' > ' ~ dbt.dateadd('day', -1 * var('rfm_window_days') | int, as_of) -%}
    {{ dbt.datediff('max(' ~ counted ~ order_date ~ ' end)', 'max(' ~ as_of ~ ')', 'day') }} as recency_days,
    sum({{ counted }}1 end) as lifetime_purchases,
    sum({{ counted }}{{ purchases }}.net_amount end) as lifetime_revenue,
    sum({{ counted }}case when {{ in_window }} then 1 else 0 end end) as frequency,
    sum({{ counted }}case when {{ in_window }} then {{ purchases }}.net_amount else 0 end end) as monetary
{%- endmacro %}
