{#-
    Retention of whole cohorts (every acquisition channel): cohort_retention's counts and revenue
    summed over the channels per cohort month and month since the first purchase, and the rates
    computed again from the sums. Kept apart from cohort_retention so that a BI tool summing that
    mart's columns over its rows never counts a customer twice.
-#}

with

by_channel as (

    select * from {{ ref('cohort_retention') }}

),

summed as (

    select
        cohort_month,
        months_since_first_purchase,
        count(*) as acquisition_channels,
        sum(cohort_size) as cohort_size,
        sum(customers_purchasing) as customers_purchasing,
        sum(repeat_customers) as repeat_customers,
        sum(cumulative_net_revenue) as cumulative_net_revenue
    from by_channel
    group by cohort_month, months_since_first_purchase

),

final as (

    select
        cast(cohort_month as date) as cohort_month,
        cast(months_since_first_purchase as {{ dbt.type_int() }}) as months_since_first_purchase,
        cast(acquisition_channels as {{ dbt.type_int() }}) as acquisition_channels,
        cast(cohort_size as {{ dbt.type_int() }}) as cohort_size,
        cast(customers_purchasing as {{ dbt.type_int() }}) as customers_purchasing,
        cast(repeat_customers as {{ dbt.type_int() }}) as repeat_customers,
        cast(
            {{ divide_as_double('customers_purchasing', 'cohort_size') }} as {{ type_double() }}
        ) as retention_rate,
        cast(
            {{ divide_as_double('repeat_customers', 'cohort_size') }} as {{ type_double() }}
        ) as repurchase_rate,
        cast(cumulative_net_revenue as {{ amount_type() }}) as cumulative_net_revenue,
        {{ divide_amount('cumulative_net_revenue', 'cohort_size') }}
            as cumulative_net_revenue_per_customer
    from summed

)

select * from final
