{#- The value tier of every purchasing customer by lifetime net revenue (macro
    value_tier_ctes; cut points in the value_tiers seed). -#}

with

metrics as (

    select * from {{ ref('int_customer_purchases_aggregated') }}

),

tiers as (

    select * from {{ ref('value_tiers') }}

),

{{ value_tier_ctes('metrics', 'tiers') }},

final as (

    select * from value_tiered

)

select * from final
