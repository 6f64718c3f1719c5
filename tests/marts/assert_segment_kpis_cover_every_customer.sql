-- In segment_kpis each segmentation counts exactly the customers it covers: lifecycle every
-- customer of the customers mart, RFM and value tier every customer with a purchase.

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
    totals.customers,
    expected.all_customers,
    expected.purchasing_customers
from totals
cross join expected
where
    totals.customers <> case
        when totals.segmentation = 'lifecycle_stage' then expected.all_customers
        else expected.purchasing_customers
    end
