-- The cohorts of cohort_retention (per acquisition channel) and cohort_retention_totals (overall)
-- hold exactly the customers whose first purchase (on or before the as-of date) fell in the cohort
-- month, in every month.

with

retention as (

    select * from {{ ref('cohort_retention') }}

),

retention_totals as (

    select * from {{ ref('cohort_retention_totals') }}

),

lifecycle as (

    select * from {{ ref('customer_lifecycle') }}

),

customers as (

    select * from {{ ref('int_customers_merged') }}

),

first_purchases as (

    select
        {{ dbt.date_trunc('month', 'lifecycle.first_purchase_date') }} as cohort_month,
        coalesce(customers.acquisition_channel, 'unknown') as acquisition_channel
    from lifecycle
    inner join customers
        on lifecycle.customer_key = customers.customer_key
    where lifecycle.first_purchase_date is not null

),

expected as (

    select
        cohort_month,
        'all' as acquisition_channel,
        count(*) as cohort_size
    from first_purchases
    group by cohort_month
    union all
    select
        cohort_month,
        acquisition_channel,
        count(*) as cohort_size
    from first_purchases
    group by cohort_month, acquisition_channel

),

actual as (

    select distinct
        cohort_month,
        'all' as acquisition_channel,
        cohort_size
    from retention_totals
    union all
    select distinct
        cohort_month,
        acquisition_channel,
        cohort_size
    from retention

)

select
    coalesce(expected.cohort_month, actual.cohort_month) as cohort_month,
    coalesce(expected.acquisition_channel, actual.acquisition_channel) as acquisition_channel,
    expected.cohort_size as expected_size,
    actual.cohort_size as actual_size
from expected
full outer join actual
    on
        expected.cohort_month = actual.cohort_month
        and expected.acquisition_channel = actual.acquisition_channel
where coalesce(expected.cohort_size, -1) <> coalesce(actual.cohort_size, -1)
