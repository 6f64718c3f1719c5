-- In segment_kpis the shares of customers and of revenue of each segmentation add up to 1
-- (to 1e-9), and the customers of each segmentation are exactly the customers it covers.

with

kpis as (

    select * from {{ ref('segment_kpis') }}

),

customers as (

    select * from {{ ref('customers') }}

),

totals as (

    select
        segmentation,
        sum(share_of_customers) as customer_share,
        sum(share_of_revenue) as revenue_share,
        sum(customers) as customers
    from kpis
    group by segmentation

),

expected as (

    select
        count(*) as all_customers,
        sum(case when lifetime_purchases > 0 then 1 else 0 end) as purchasing_customers
    from customers

)

select
    totals.segmentation,
    totals.customer_share,
    totals.revenue_share,
    totals.customers
from totals
cross join expected
where
    abs(totals.customer_share - 1) > 1e-9
    or abs(coalesce(totals.revenue_share, 1) - 1) > 1e-9
    or totals.customers <> case
        when totals.segmentation = 'lifecycle_stage' then expected.all_customers
        else expected.purchasing_customers
    end
