-- How the RFM segments and the lifecycle stages overlap on the as-of date: customers and
-- revenue per (rfm_segment, lifecycle_stage). Compile with `dbt compile` and run the SQL in
-- target/compiled/ against the warehouse.

with

customers as (

    select * from {{ ref('customers') }}

),

final as (

    select
        rfm_segment,
        lifecycle_stage,
        count(*) as customers,
        sum(lifetime_revenue) as lifetime_revenue
    from customers
    where rfm_segment is not null
    group by rfm_segment, lifecycle_stage

)

select * from final
order by rfm_segment, lifecycle_stage
