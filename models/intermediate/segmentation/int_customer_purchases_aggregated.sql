{#- Per customer with a purchase on or before the as-of date: the purchase facts the RFM,
    lifecycle and value-tier rules are built from. The history computes the same metrics for
    many as-of dates with the same macro (purchase_metrics_by_as_of_date_ctes). -#}

with

purchases as (

    select * from {{ ref('int_purchases_filtered') }}

),

as_of_dates as (

    select as_of_date from {{ ref('int_as_of_date_resolved') }}

),

{{ purchase_metrics_by_as_of_date_ctes('purchases', 'as_of_dates') }},

final as (

    select
        as_of_date,
        customer_key,
        first_purchase_date,
        last_purchase_date,
        previous_purchase_date,
        lifetime_purchases,
        lifetime_revenue,
        frequency,
        monetary,
        loyal_window_purchases,
        recency_days,
        days_since_first_purchase,
        days_between_last_two_purchases
    from purchase_metrics

)

select * from final
