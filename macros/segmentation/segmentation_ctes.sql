{#-
    The segmentation rules, written once and shared by the current marts (one as-of date)
    and by point-in-time history (many as-of dates). Each macro emits CTEs that read the
    CTE names it is given and partition everything by as_of_date, so nothing on one as-of
    date can see data of another. README "Segments" and DECISIONLOG.md explain each rule.
-#}


{#- Per (as_of_date, customer_key): the purchase facts every rule is built from.
    purchases: customer_key, order_id, order_date, net_amount.
    as_of_dates: as_of_date. Only purchases on or before each as-of date count. -#}
{% macro purchase_metrics_ctes(purchases, as_of_dates) -%}
purchases_as_of as (

    select
        {{ as_of_dates }}.as_of_date,
        {{ purchases }}.customer_key,
        {{ purchases }}.order_id,
        {{ purchases }}.order_date,
        {{ purchases }}.net_amount,
        {{ dbt.datediff(purchases ~ '.order_date', as_of_dates ~ '.as_of_date', 'day') }}
            as days_before_as_of,
        row_number() over (
            partition by {{ as_of_dates }}.as_of_date, {{ purchases }}.customer_key
            order by {{ purchases }}.order_date desc, {{ purchases }}.order_id desc
        ) as recency_order
    from {{ purchases }}
    inner join {{ as_of_dates }}
        on {{ purchases }}.order_date <= {{ as_of_dates }}.as_of_date

),

purchase_metrics as (

    select
        as_of_date,
        customer_key,
        min(order_date) as first_purchase_date,
        max(order_date) as last_purchase_date,
        max(case when recency_order = 2 then order_date end) as previous_purchase_date,
        count(*) as lifetime_purchases,
        sum(net_amount) as lifetime_revenue,
        -- the RFM window is (as_of - rfm_window_days, as_of]
        sum(case when days_before_as_of < {{ var('rfm_window_days') }} then 1 else 0 end)
            as frequency,
        sum(case when days_before_as_of < {{ var('rfm_window_days') }} then net_amount else 0 end)
            as monetary,
        sum(case when days_before_as_of < {{ var('loyal_window_days') }} then 1 else 0 end)
            as loyal_window_purchases
    from purchases_as_of
    group by as_of_date, customer_key

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
    with the smallest max_cume_dist >= p in the value_tiers seed. -#}
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

tier_candidates as (

    select
        revenue_ranked.*,
        {{ tiers }}.tier_code,
        {{ tiers }}.max_cume_dist,
        row_number() over (
            partition by revenue_ranked.as_of_date, revenue_ranked.customer_key
            order by {{ tiers }}.max_cume_dist asc
        ) as tier_match_order
    from revenue_ranked
    inner join {{ tiers }}
        on revenue_ranked.revenue_cume_dist <= {{ tiers }}.max_cume_dist

),

value_tiered as (

    select
        as_of_date,
        customer_key,
        lifetime_revenue,
        lifetime_purchases,
        revenue_rank,
        revenue_cume_dist,
        tier_code as value_tier,
        max_cume_dist as tier_max_cume_dist
    from tier_candidates
    where tier_match_order = 1

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
