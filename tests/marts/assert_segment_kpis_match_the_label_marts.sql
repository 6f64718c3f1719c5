-- segment_kpis agrees with the label marts it does not read: per segmentation and label, the
-- customers and revenue counted from customer_lifecycle, customer_rfm and customer_value_tiers
-- (revenue from customer_value_tiers; none for a customer without a purchase), and each label's
-- share of customers and of revenue over its segmentation's totals (to 1e-9). segment_kpis
-- reads the customers mart; a label, a population or a denominator that went wrong in either
-- path makes a row here.

with

kpis as (

    select * from {{ ref('segment_kpis') }}

),

lifecycle as (

    select * from {{ ref('customer_lifecycle') }}

),

rfm as (

    select * from {{ ref('customer_rfm') }}

),

tiers as (

    select * from {{ ref('customer_value_tiers') }}

),

labelled as (

    select
        'lifecycle_stage' as segmentation,
        lifecycle_stage as label,
        customer_key
    from lifecycle
    union all
    select
        'rfm_segment' as segmentation,
        rfm_segment as label,
        customer_key
    from rfm
    union all
    select
        'rfm_group' as segmentation,
        rfm_group as label,
        customer_key
    from rfm
    union all
    select
        'value_tier' as segmentation,
        value_tier as label,
        customer_key
    from tiers

),

per_label as (

    select
        labelled.segmentation,
        labelled.label,
        count(*) as customers,
        sum(coalesce(tiers.lifetime_revenue, 0)) as revenue
    from labelled
    left join tiers
        on labelled.customer_key = tiers.customer_key
    group by labelled.segmentation, labelled.label

),

expected as (

    select
        segmentation,
        label,
        customers,
        {{ divide_as_double('customers', 'sum(customers) over (partition by segmentation)') }}
            as share_of_customers,
        {{ divide_as_double('revenue', 'nullif(sum(revenue) over (partition by segmentation), 0)') }}
            as share_of_revenue
    from per_label

),

compared as (

    select
        coalesce(kpis.segmentation, expected.segmentation) as segmentation,
        coalesce(kpis.label, expected.label) as label,
        kpis.customers as kpi_customers,
        coalesce(expected.customers, 0) as expected_customers,
        kpis.share_of_customers as kpi_share_of_customers,
        coalesce(expected.share_of_customers, 0) as expected_share_of_customers,
        kpis.share_of_revenue as kpi_share_of_revenue,
        coalesce(expected.share_of_revenue, 0) as expected_share_of_revenue
    from kpis
    full outer join expected
        on
            kpis.segmentation = expected.segmentation
            and kpis.label = expected.label

)

select * from compared
where
    kpi_customers is null
    or kpi_customers <> expected_customers
    or abs(kpi_share_of_customers - expected_share_of_customers) > 1e-9
    or abs(coalesce(kpi_share_of_revenue, 0) - expected_share_of_revenue) > 1e-9
