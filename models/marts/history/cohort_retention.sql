{#-
    Retention by first-purchase month: for each cohort (all customers, and per acquisition
    channel) and each month since the first purchase up to the as-of month - cohort size,
    customers purchasing in that month, retention rate (purchasing / size), repurchase rate
    (share of the cohort with 2+ purchases by the end of that month) and cumulative net revenue
    per customer (the LTV curve). Month 0 is the first-purchase month; the month-2 drop-off is
    the retention rate at months_since_first_purchase = 2. The as-of month is still running.
-#}

with

purchases as (

    select * from {{ ref('int_purchases_filtered') }}

),

customers as (

    select * from {{ ref('int_customers_merged') }}

),

as_of_dates as (

    select as_of_date from {{ ref('int_as_of_date_resolved') }}

),

{{ numbers_0_999_ctes() }},

month_numbers as (

    select number as months_since_first_purchase from numbers_0_999

),

purchases_as_of as (

    select
        purchases.customer_key,
        purchases.order_id,
        purchases.net_amount,
        {{ dbt.date_trunc('month', 'purchases.order_date') }} as purchase_month,
        min({{ dbt.date_trunc('month', 'purchases.order_date') }})
            over (partition by purchases.customer_key) as cohort_month,
        {{ dbt.date_trunc('month', 'as_of_dates.as_of_date') }} as as_of_month
    from purchases
    cross join as_of_dates
    where purchases.order_date <= as_of_dates.as_of_date

),

purchase_months as (

    select
        purchases_as_of.customer_key,
        purchases_as_of.cohort_month,
        purchases_as_of.as_of_month,
        {{ dbt.datediff('purchases_as_of.cohort_month', 'purchases_as_of.purchase_month', 'month') }}
            as months_since_first_purchase,
        count(*) as purchases,
        sum(purchases_as_of.net_amount) as net_revenue
    from purchases_as_of
    group by
        purchases_as_of.customer_key,
        purchases_as_of.cohort_month,
        purchases_as_of.as_of_month,
        purchases_as_of.purchase_month

),

cohort_members as (

    select distinct
        purchase_months.customer_key,
        purchase_months.cohort_month,
        purchase_months.as_of_month,
        coalesce(customers.acquisition_channel, 'unknown') as acquisition_channel
    from purchase_months
    inner join customers
        on purchase_months.customer_key = customers.customer_key

),

member_months as (

    -- every member in every month from the cohort month to the as-of month
    select
        cohort_members.customer_key,
        cohort_members.cohort_month,
        cohort_members.acquisition_channel,
        month_numbers.months_since_first_purchase
    from cohort_members
    inner join month_numbers
        on
            month_numbers.months_since_first_purchase
            <= {{ dbt.datediff('cohort_members.cohort_month', 'cohort_members.as_of_month', 'month') }}

),

member_activity as (

    select
        member_months.customer_key,
        member_months.cohort_month,
        member_months.acquisition_channel,
        member_months.months_since_first_purchase,
        coalesce(purchase_months.purchases, 0) as purchases,
        coalesce(purchase_months.net_revenue, 0) as net_revenue,
        sum(coalesce(purchase_months.purchases, 0)) over (
            partition by member_months.customer_key
            order by member_months.months_since_first_purchase
            rows between unbounded preceding and current row
        ) as cumulative_purchases,
        sum(coalesce(purchase_months.net_revenue, 0)) over (
            partition by member_months.customer_key
            order by member_months.months_since_first_purchase
            rows between unbounded preceding and current row
        ) as cumulative_net_revenue
    from member_months
    left join purchase_months
        on
            member_months.customer_key = purchase_months.customer_key
            and member_months.months_since_first_purchase = purchase_months.months_since_first_purchase

),

{% for dimension in ['all', 'acquisition_channel'] %}
    by_{{ dimension }} as (

        select
            cohort_month,
            {{ "'all'" if dimension == 'all' else 'acquisition_channel' }} as acquisition_channel,
            months_since_first_purchase,
            count(*) as cohort_size,
            sum(case when purchases > 0 then 1 else 0 end) as customers_purchasing,
            sum(case when cumulative_purchases >= 2 then 1 else 0 end) as repeat_customers,
            sum(cumulative_net_revenue) as cumulative_net_revenue
        from member_activity
        group by
            cohort_month,
            {{ "" if dimension == 'all' else 'acquisition_channel,' }}
            months_since_first_purchase

    ),
{% endfor %}

unioned as (

    select * from by_all
    union all
    select * from by_acquisition_channel

),

final as (

    select
        cast(cohort_month as date) as cohort_month,
        cast(acquisition_channel as {{ dbt.type_string() }}) as acquisition_channel,
        cast(months_since_first_purchase as {{ dbt.type_int() }}) as months_since_first_purchase,
        cast(cohort_size as {{ dbt.type_int() }}) as cohort_size,
        cast(customers_purchasing as {{ dbt.type_int() }}) as customers_purchasing,
        cast(
            {{ divide_as_double('customers_purchasing', 'cohort_size') }} as {{ type_double() }}
        ) as retention_rate,
        cast(
            {{ divide_as_double('repeat_customers', 'cohort_size') }} as {{ type_double() }}
        ) as repurchase_rate,
        cast(cumulative_net_revenue as {{ amount_type() }}) as cumulative_net_revenue,
        {{ divide_amount('cumulative_net_revenue', 'cohort_size') }}
            as cumulative_net_revenue_per_customer
    from unioned

)

select * from final
