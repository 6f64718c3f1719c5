{#- The lifecycle stage of every customer who exists on the as-of date (signed up, or
    purchased, on or before it). The rule, the first of seven that matches, is
    macros/segmentation/lifecycle_stage.sql (shared with the history). -#}

with

customers as (

    select * from {{ ref('int_customers_merged') }}

),

as_of_dates as (

    select as_of_date from {{ ref('int_as_of_date_resolved') }}

),

metrics as (

    select * from {{ ref('int_customer_purchases_aggregated') }}

),

existing_customers as (

    {{ existing_customers('customers', 'as_of_dates', 'metrics') }}

),

final as (

    select
        existing_customers.as_of_date,
        existing_customers.customer_key,
        metrics.first_purchase_date,
        metrics.last_purchase_date,
        metrics.previous_purchase_date,
        metrics.recency_days,
        metrics.days_since_first_purchase,
        metrics.days_between_last_two_purchases,
        coalesce(metrics.lifetime_purchases, 0) as lifetime_purchases,
        coalesce(metrics.loyal_window_purchases, 0) as loyal_window_purchases,
        {{ lifecycle_stage('metrics') }} as lifecycle_stage
    from existing_customers
    left join metrics
        on
            existing_customers.as_of_date = metrics.as_of_date
            and existing_customers.customer_key = metrics.customer_key

)

select * from final
