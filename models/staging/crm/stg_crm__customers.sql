{#- One row per customer_id: the newest valid version of the record. -#}

with

base as (

    select * from {{ ref('base_crm__customers') }}

),

clean as (

    select * from base
    where row_status = 'clean'

),

final as (

    select
        -- ids
        customer_id,
        referred_by_customer_id,

        -- contact
        email_normalized,
        phone_normalized,
        has_email,
        has_phone,

        -- profile
        full_name,
        gender,
        -- a birth date in the future of the record, or before var min_birth_date, is unknown
        case
            when
                birth_date >= cast('{{ var("min_birth_date") }}' as date)
                and birth_date <= cast(updated_at as date)
                then birth_date
        end as birth_date,
        city,
        province,
        country_code,
        acquisition_channel,
        member_level,

        -- booleans
        is_marketing_opt_in,
        is_test_account,

        -- timestamps
        signup_at,
        {{ local_date('signup_at') }} as signup_date,
        updated_at,
        loaded_at

    from clean

)

select * from final
