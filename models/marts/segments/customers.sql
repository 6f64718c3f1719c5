{#-
    One row per real customer (surviving customer_key, test accounts excluded) who exists on
    the as-of date: profile, consent, purchase summary and every label (RFM segment and
    group, lifecycle stage, value tier). Email and phone appear only hashed and masked.
-#}

with

customers as (

    select * from {{ ref('int_customers_merged') }}

),

lifecycle as (

    select * from {{ ref('customer_lifecycle') }}

),

rfm as (

    select * from {{ ref('customer_rfm') }}

),

value_tiers as (

    select * from {{ ref('customer_value_tiers') }}

),

age_bands as (

    select * from {{ ref('age_bands') }}

),

city_tiers as (

    select * from {{ ref('city_tiers') }}

),

with_age as (

    select
        customers.*,
        lifecycle.as_of_date,
        extract(year from lifecycle.as_of_date) - extract(year from customers.birth_date)
        - case
            when
                extract(month from lifecycle.as_of_date) * 100 + extract(day from lifecycle.as_of_date)
                < extract(month from customers.birth_date) * 100 + extract(day from customers.birth_date)
                then 1
            else 0
        end as age_years
    from customers
    inner join lifecycle
        on customers.customer_key = lifecycle.customer_key

),

final as (

    select
        -- keys
        cast(with_age.customer_key as {{ dbt.type_string() }}) as customer_key,
        cast(with_age.as_of_date as date) as as_of_date,
        cast(with_age.referred_by_customer_key as {{ dbt.type_string() }}) as referred_by_customer_key,

        -- contact (never raw)
        cast({{ salted_hash('with_age.email_normalized') }} as {{ dbt.type_string() }}) as email_hash,
        cast({{ mask_email('with_age.email_normalized') }} as {{ dbt.type_string() }}) as email_masked,
        cast({{ salted_hash('with_age.phone_normalized') }} as {{ dbt.type_string() }}) as phone_hash,
        cast({{ mask_phone('with_age.phone_normalized') }} as {{ dbt.type_string() }}) as phone_masked,

        -- profile
        cast(with_age.gender as {{ dbt.type_string() }}) as gender,
        cast(with_age.age_years as {{ dbt.type_int() }}) as age_years,
        cast(coalesce(age_bands.age_band, 'unknown') as {{ dbt.type_string() }}) as age_band,
        cast(with_age.city as {{ dbt.type_string() }}) as city,
        cast(with_age.province as {{ dbt.type_string() }}) as province,
        cast(with_age.country_code as {{ dbt.type_string() }}) as country_code,
        cast(coalesce(city_tiers.region, 'unknown') as {{ dbt.type_string() }}) as region,
        cast(coalesce(city_tiers.city_tier, 'unknown') as {{ dbt.type_string() }}) as city_tier,
        cast(with_age.acquisition_channel as {{ dbt.type_string() }}) as acquisition_channel,
        cast(with_age.member_level as {{ dbt.type_string() }}) as member_level,
        cast(with_age.signup_date as date) as signup_date,
        cast(with_age.source_record_count as {{ dbt.type_int() }}) as source_record_count,

        -- consent
        cast(with_age.is_marketing_opt_in as {{ dbt.type_boolean() }}) as is_marketing_opt_in,

        -- purchases
        cast(lifecycle.first_purchase_date as date) as first_purchase_date,
        cast(lifecycle.last_purchase_date as date) as last_purchase_date,
        cast(lifecycle.lifetime_purchases as {{ dbt.type_int() }}) as lifetime_purchases,
        cast(coalesce(value_tiers.lifetime_revenue, 0) as {{ amount_type() }}) as lifetime_revenue,
        {{ divide_amount('value_tiers.lifetime_revenue', 'lifecycle.lifetime_purchases') }}
            as average_order_value,
        cast(lifecycle.days_since_last_purchase as {{ dbt.type_int() }}) as recency_days,

        -- rfm
        cast(rfm.r_score as {{ dbt.type_int() }}) as r_score,
        cast(rfm.f_score as {{ dbt.type_int() }}) as f_score,
        cast(rfm.m_score as {{ dbt.type_int() }}) as m_score,
        cast(rfm.fm_score as {{ dbt.type_int() }}) as fm_score,
        cast(rfm.rfm_segment as {{ dbt.type_string() }}) as rfm_segment,
        cast(rfm.rfm_segment_name_zh as {{ dbt.type_string() }}) as rfm_segment_name_zh,
        cast(rfm.rfm_group as {{ dbt.type_string() }}) as rfm_group,
        cast(rfm.rfm_group_name_zh as {{ dbt.type_string() }}) as rfm_group_name_zh,

        -- lifecycle
        cast(lifecycle.lifecycle_stage as {{ dbt.type_string() }}) as lifecycle_stage,
        cast(lifecycle.lifecycle_stage_name_zh as {{ dbt.type_string() }}) as lifecycle_stage_name_zh,

        -- value tier
        cast(value_tiers.value_tier as {{ dbt.type_string() }}) as value_tier,
        cast(value_tiers.value_tier_name_zh as {{ dbt.type_string() }}) as value_tier_name_zh

    from with_age
    inner join lifecycle
        on with_age.customer_key = lifecycle.customer_key
    left join rfm
        on with_age.customer_key = rfm.customer_key
    left join value_tiers
        on with_age.customer_key = value_tiers.customer_key
    left join age_bands
        on with_age.age_years between age_bands.min_age and age_bands.max_age
    left join city_tiers
        on with_age.city = city_tiers.city

)

select * from final
