{#- The value tier of every purchasing customer on the as-of date, by lifetime net revenue. The
    rule is macros/segmentation/value_tier.sql (shared with the history); the tiers and their
    cut points are the value_tiers seed. -#}

with

metrics as (

    select * from {{ ref('int_customer_purchases_aggregated') }}

),

tiers as (

    select * from {{ ref('value_tiers') }}

),

revenue_ranked as (

    select
        as_of_date,
        customer_key,
        lifetime_revenue,
        lifetime_purchases,
        rank() over (partition by as_of_date order by lifetime_revenue desc) as revenue_rank,
        {{ value_tier_cume_dist('lifetime_revenue') }} as revenue_cume_dist
    from metrics

),

tier_bounds as (

    {{ value_tier_bounds('tiers') }}

),

final as (

    -- a range join on the few tiers: one match per customer
    select
        revenue_ranked.as_of_date,
        revenue_ranked.customer_key,
        revenue_ranked.lifetime_revenue,
        revenue_ranked.lifetime_purchases,
        revenue_ranked.revenue_rank,
        revenue_ranked.revenue_cume_dist,
        tier_bounds.tier_code as value_tier,
        tier_bounds.max_cume_dist as tier_max_cume_dist
    from revenue_ranked
    inner join tier_bounds
        on {{ in_value_tier('revenue_ranked.revenue_cume_dist', 'tier_bounds') }}

)

select * from final
