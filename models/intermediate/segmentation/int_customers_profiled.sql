{#-
    The profile of every real customer who exists on the as-of date (the population of the
    lifecycle model): merged CRM attributes, age in whole years on the as-of date with its band,
    city tier and region, and the purchase summary the lifecycle rules looked at. One definition
    for the customers mart and for the tag rules, which read it here rather than from the mart
    (DECISIONLOG, "Rules read intermediate models, never a mart").
-#}

with

customers as (

    select * from {{ ref('int_customers_merged') }}

),

lifecycle as (

    select * from {{ ref('int_customers_lifecycle_staged') }}

),

age_bands as (

    select * from {{ ref('age_bands') }}

),

city_tiers as (

    select * from {{ ref('city_tiers') }}

),

existing as (

    select
        customers.*,
        lifecycle.as_of_date,
        lifecycle.first_purchase_date,
        lifecycle.last_purchase_date,
        lifecycle.lifetime_purchases,
        lifecycle.recency_days
    from customers
    inner join lifecycle
        on customers.customer_key = lifecycle.customer_key

),

with_age as (

    select
        *,
        -- whole years: one less until the birthday of the as-of date's year
        extract(year from as_of_date) - extract(year from birth_date)
        - case
            when
                extract(month from as_of_date) * 100 + extract(day from as_of_date)
                < extract(month from birth_date) * 100 + extract(day from birth_date)
                then 1
            else 0
        end as age_years
    from existing

),

final as (

    select
        with_age.customer_key,
        with_age.as_of_date,
        with_age.referred_by_customer_key,
        with_age.email_normalized,
        with_age.phone_normalized,
        with_age.gender,
        with_age.age_years,
        coalesce(age_bands.age_band, 'unknown') as age_band,
        with_age.city,
        with_age.province,
        with_age.country_code,
        coalesce(city_tiers.region, 'unknown') as region,
        coalesce(city_tiers.city_tier, 'unknown') as city_tier,
        with_age.acquisition_channel,
        with_age.member_level,
        with_age.signup_date,
        with_age.source_record_count,
        with_age.is_marketing_opt_in,
        with_age.first_purchase_date,
        with_age.last_purchase_date,
        with_age.lifetime_purchases,
        with_age.recency_days
    from with_age
    left join age_bands
        on with_age.age_years between age_bands.min_age and age_bands.max_age
    left join city_tiers
        on with_age.city = city_tiers.city

)

select * from final
