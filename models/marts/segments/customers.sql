{#-
    One row per real customer (surviving customer_key, test accounts excluded) who exists on
    the as-of date: profile, consent, purchase summary and every label (RFM segment and
    group, lifecycle stage, value tier). Email and phone appear only hashed and masked.
-#}

with

profiled as (

    select * from {{ ref('int_customers_profiled') }}

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

label_names as (

    select * from {{ ref('label_names') }}

),

-- names of the band codes the age_bands seed has no row for ('unknown')
other_age_bands as (

    select * from label_names
    where code_set = 'age_band'

),

-- names of the profile attributes (open sets: a code label_names does not name shows as itself)
gender_names as (

    select * from label_names
    where code_set = 'gender'

),

region_names as (

    select * from label_names
    where code_set = 'region'

),

city_tier_names as (

    select * from label_names
    where code_set = 'city_tier'

),

channel_names as (

    select * from label_names
    where code_set = 'acquisition_channel'

),

member_level_names as (

    select * from label_names
    where code_set = 'member_level'

),

final as (

    select
        -- keys
        cast(profiled.customer_key as {{ dbt.type_string() }}) as customer_key,
        cast(profiled.as_of_date as date) as as_of_date,
        cast(profiled.referred_by_customer_key as {{ dbt.type_string() }}) as referred_by_customer_key,

        -- contact (never raw)
        cast({{ salted_hash('profiled.email_normalized') }} as {{ dbt.type_string() }}) as email_hash,
        cast({{ mask_email('profiled.email_normalized') }} as {{ dbt.type_string() }}) as email_masked,
        cast({{ salted_hash('profiled.phone_normalized') }} as {{ dbt.type_string() }}) as phone_hash,
        cast({{ mask_phone('profiled.phone_normalized') }} as {{ dbt.type_string() }}) as phone_masked,

        -- profile
        cast(profiled.gender as {{ dbt.type_string() }}) as gender,
        cast(coalesce(gender_names.name_en, profiled.gender) as {{ dbt.type_string() }})
            as gender_name_en,
        cast(coalesce(gender_names.name_zh, profiled.gender) as {{ dbt.type_string() }})
            as gender_name_zh,
        cast(profiled.age_years as {{ dbt.type_int() }}) as age_years,
        cast(profiled.age_band as {{ dbt.type_string() }}) as age_band,
        cast(coalesce(age_bands.name_en, other_age_bands.name_en) as {{ dbt.type_string() }})
            as age_band_name_en,
        cast(coalesce(age_bands.name_zh, other_age_bands.name_zh) as {{ dbt.type_string() }})
            as age_band_name_zh,
        cast(profiled.city as {{ dbt.type_string() }}) as city,
        cast(profiled.province as {{ dbt.type_string() }}) as province,
        cast(profiled.country_code as {{ dbt.type_string() }}) as country_code,
        cast(profiled.region as {{ dbt.type_string() }}) as region,
        cast(coalesce(region_names.name_en, profiled.region) as {{ dbt.type_string() }})
            as region_name_en,
        cast(coalesce(region_names.name_zh, profiled.region) as {{ dbt.type_string() }})
            as region_name_zh,
        cast(profiled.city_tier as {{ dbt.type_string() }}) as city_tier,
        cast(coalesce(city_tier_names.name_en, profiled.city_tier) as {{ dbt.type_string() }})
            as city_tier_name_en,
        cast(coalesce(city_tier_names.name_zh, profiled.city_tier) as {{ dbt.type_string() }})
            as city_tier_name_zh,
        cast(profiled.acquisition_channel as {{ dbt.type_string() }}) as acquisition_channel,
        cast(coalesce(channel_names.name_en, profiled.acquisition_channel) as {{ dbt.type_string() }})
            as acquisition_channel_name_en,
        cast(coalesce(channel_names.name_zh, profiled.acquisition_channel) as {{ dbt.type_string() }})
            as acquisition_channel_name_zh,
        cast(profiled.member_level as {{ dbt.type_string() }}) as member_level,
        cast(coalesce(member_level_names.name_en, profiled.member_level) as {{ dbt.type_string() }})
            as member_level_name_en,
        cast(coalesce(member_level_names.name_zh, profiled.member_level) as {{ dbt.type_string() }})
            as member_level_name_zh,
        cast(profiled.signup_date as date) as signup_date,
        cast(profiled.source_record_count as {{ dbt.type_int() }}) as source_record_count,

        -- consent
        cast(profiled.is_marketing_opt_in as {{ dbt.type_boolean() }}) as is_marketing_opt_in,

        -- purchases
        cast(profiled.first_purchase_date as date) as first_purchase_date,
        cast(profiled.last_purchase_date as date) as last_purchase_date,
        cast(profiled.lifetime_purchases as {{ dbt.type_int() }}) as lifetime_purchases,
        cast(coalesce(value_tiers.lifetime_revenue, 0) as {{ amount_type() }}) as lifetime_revenue,
        {{ divide_amount('value_tiers.lifetime_revenue', 'profiled.lifetime_purchases') }}
            as average_order_value,
        cast(profiled.recency_days as {{ dbt.type_int() }}) as recency_days,

        -- rfm
        cast(rfm.r_score as {{ dbt.type_int() }}) as r_score,
        cast(rfm.f_score as {{ dbt.type_int() }}) as f_score,
        cast(rfm.m_score as {{ dbt.type_int() }}) as m_score,
        cast(rfm.fm_score as {{ dbt.type_int() }}) as fm_score,
        cast(rfm.rfm_segment as {{ dbt.type_string() }}) as rfm_segment,
        cast(rfm.rfm_segment_name_en as {{ dbt.type_string() }}) as rfm_segment_name_en,
        cast(rfm.rfm_segment_name_zh as {{ dbt.type_string() }}) as rfm_segment_name_zh,
        cast(rfm.rfm_group as {{ dbt.type_string() }}) as rfm_group,
        cast(rfm.rfm_group_name_en as {{ dbt.type_string() }}) as rfm_group_name_en,
        cast(rfm.rfm_group_name_zh as {{ dbt.type_string() }}) as rfm_group_name_zh,

        -- lifecycle
        cast(lifecycle.lifecycle_stage as {{ dbt.type_string() }}) as lifecycle_stage,
        cast(lifecycle.lifecycle_stage_name_en as {{ dbt.type_string() }}) as lifecycle_stage_name_en,
        cast(lifecycle.lifecycle_stage_name_zh as {{ dbt.type_string() }}) as lifecycle_stage_name_zh,

        -- value tier
        cast(value_tiers.value_tier as {{ dbt.type_string() }}) as value_tier,
        cast(value_tiers.value_tier_name_en as {{ dbt.type_string() }}) as value_tier_name_en,
        cast(value_tiers.value_tier_name_zh as {{ dbt.type_string() }}) as value_tier_name_zh

    from profiled
    inner join lifecycle
        on profiled.customer_key = lifecycle.customer_key
    left join rfm
        on profiled.customer_key = rfm.customer_key
    left join value_tiers
        on profiled.customer_key = value_tiers.customer_key
    left join age_bands
        on profiled.age_band = age_bands.age_band
    left join other_age_bands
        on profiled.age_band = other_age_bands.code
    left join gender_names
        on profiled.gender = gender_names.code
    left join region_names
        on profiled.region = region_names.code
    left join city_tier_names
        on profiled.city_tier = city_tier_names.code
    left join channel_names
        on profiled.acquisition_channel = channel_names.code
    left join member_level_names
        on profiled.member_level = member_level_names.code

)

select * from final
