{#-
    Retention by first-purchase month: for each cohort and acquisition channel and each month since the first purchase up to the as-of month - cohort size,
    customers purchasing in that month, retention rate (purchasing / size), repurchase rate
    (share of the cohort with 2+ purchases by the end of that month) and cumulative net revenue
    per customer (the LTV curve). Month 0 is the first-purchase month; the month-2 drop-off is
    the retention rate at months_since_first_purchase = 2. The as-of month is still running.

    Computed from the months in which customers purchased, aggregated per cohort, channel and
    month, then running sums over the cohort's months: linear in purchases, no customer x month
    grid. Every count adds up over channels (a customer has one channel): the whole cohort's rows
    are their sums, in cohort_retention_totals - not here, where a BI tool summing a column over
    the channels would count them twice.
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

member_purchase_months as (

    -- the months a cohort member purchased in, with their purchases up to that month
    select
        purchase_months.customer_key,
        purchase_months.cohort_month,
        purchase_months.as_of_month,
        coalesce(customers.acquisition_channel, 'unknown') as acquisition_channel,
        purchase_months.months_since_first_purchase,
        purchase_months.purchases,
        purchase_months.net_revenue,
        sum(purchase_months.purchases) over (
            partition by purchase_months.customer_key
            order by purchase_months.months_since_first_purchase
            rows between unbounded preceding and current row
        ) as cumulative_purchases
    from purchase_months
    inner join customers
        on purchase_months.customer_key = customers.customer_key

),

cohort_members as (

    select
        cohort_month,
        as_of_month,
        acquisition_channel,
        count(distinct customer_key) as cohort_size
    from member_purchase_months
    group by cohort_month, as_of_month, acquisition_channel

),

month_activity as (

    -- per cohort month: members purchasing, their revenue, and members reaching 2+ purchases
    select
        cohort_month,
        acquisition_channel,
        months_since_first_purchase,
        count(*) as customers_purchasing,
        sum(net_revenue) as net_revenue,
        sum(
            case when cumulative_purchases >= 2 and cumulative_purchases - purchases < 2 then 1 else 0 end
        ) as new_repeat_customers
    from member_purchase_months
    group by cohort_month, acquisition_channel, months_since_first_purchase

),

cohort_months as (

    -- every month from the cohort month to the as-of month
    select
        cohort_members.cohort_month,
        cohort_members.acquisition_channel,
        cohort_members.cohort_size,
        month_numbers.months_since_first_purchase
    from cohort_members
    inner join month_numbers
        on
            month_numbers.months_since_first_purchase
            <= {{ dbt.datediff('cohort_members.cohort_month', 'cohort_members.as_of_month', 'month') }}

),

by_acquisition_channel as (

    select
        cohort_months.cohort_month,
        cohort_months.acquisition_channel,
        cohort_months.months_since_first_purchase,
        cohort_months.cohort_size,
        coalesce(month_activity.customers_purchasing, 0) as customers_purchasing,
        sum(coalesce(month_activity.new_repeat_customers, 0)) over (
            partition by cohort_months.cohort_month, cohort_months.acquisition_channel
            order by cohort_months.months_since_first_purchase
            rows between unbounded preceding and current row
        ) as repeat_customers,
        sum(coalesce(month_activity.net_revenue, 0)) over (
            partition by cohort_months.cohort_month, cohort_months.acquisition_channel
            order by cohort_months.months_since_first_purchase
            rows between unbounded preceding and current row
        ) as cumulative_net_revenue
    from cohort_months
    left join month_activity
        on
            cohort_months.cohort_month = month_activity.cohort_month
            and cohort_months.acquisition_channel = month_activity.acquisition_channel
            and cohort_months.months_since_first_purchase = month_activity.months_since_first_purchase

),

-- the channels' English and Chinese names (an open set: a code label_names does not name shows as itself)
channel_names as (

    select * from {{ ref('label_names') }}
    where code_set = 'acquisition_channel'

),

final as (

    select
        cast(cohorts.cohort_month as date) as cohort_month,
        cast(cohorts.acquisition_channel as {{ dbt.type_string() }}) as acquisition_channel,
        cast(coalesce(channel_names.name_en, cohorts.acquisition_channel) as {{ dbt.type_string() }})
            as acquisition_channel_name_en,
        cast(coalesce(channel_names.name_zh, cohorts.acquisition_channel) as {{ dbt.type_string() }})
            as acquisition_channel_name_zh,
        cast(cohorts.months_since_first_purchase as {{ dbt.type_int() }}) as months_since_first_purchase,
        cast(cohorts.cohort_size as {{ dbt.type_int() }}) as cohort_size,
        cast(cohorts.customers_purchasing as {{ dbt.type_int() }}) as customers_purchasing,
        cast(cohorts.repeat_customers as {{ dbt.type_int() }}) as repeat_customers,
        cast(
            {{ divide_as_double('cohorts.customers_purchasing', 'cohorts.cohort_size') }}
            as {{ type_double() }}
        ) as retention_rate,
        cast(
            {{ divide_as_double('cohorts.repeat_customers', 'cohorts.cohort_size') }} as {{ type_double() }}
        ) as repurchase_rate,
        cast(cohorts.cumulative_net_revenue as {{ amount_type() }}) as cumulative_net_revenue,
        {{ divide_amount(
            'cohorts.cumulative_net_revenue', 'cohorts.cohort_size'
        ) }} as cumulative_net_revenue_per_customer
    from by_acquisition_channel as cohorts
    left join channel_names
        on cohorts.acquisition_channel = channel_names.code

)

select * from final
