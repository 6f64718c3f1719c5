{#- Value tier of every purchasing customer by lifetime net revenue up to the as-of date,
    with the rank and cumulative distribution that decided it. -#}

with

tiered as (

    select * from {{ ref('int_customers_value_tiered') }}

),

tiers as (

    select * from {{ ref('value_tiers') }}

),

final as (

    select
        -- keys
        cast(tiered.customer_key as {{ dbt.type_string() }}) as customer_key,
        cast(tiered.as_of_date as date) as as_of_date,

        -- label
        cast(tiered.value_tier as {{ dbt.type_string() }}) as value_tier,
        cast(tiers.name_en as {{ dbt.type_string() }}) as value_tier_name_en,
        cast(tiers.name_zh as {{ dbt.type_string() }}) as value_tier_name_zh,

        -- evidence
        cast(tiered.lifetime_revenue as {{ amount_type() }}) as lifetime_revenue,
        cast(tiered.lifetime_purchases as {{ dbt.type_int() }}) as lifetime_purchases,
        cast(tiered.revenue_rank as {{ dbt.type_int() }}) as revenue_rank,
        cast(tiered.revenue_cume_dist as {{ type_double() }}) as revenue_cume_dist,
        cast(tiered.tier_max_cume_dist as {{ type_double() }}) as tier_max_cume_dist

    from tiered
    left join tiers
        on tiered.value_tier = tiers.tier_code

)

select * from final
