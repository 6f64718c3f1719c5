{#-
    One row per person (customer_key) after the identity merge. Each profile attribute is
    the latest known value among the person's records (the most recently updated record
    where it is not null; gender 'unknown' counts as not known). Signup and acquisition
    channel come from the first record (how the person was first acquired). Marketing
    consent is the latest record's answer, whatever it is: the latest statement of will
    wins. Referrers are re-pointed to their own customer_key.
-#}

{%- set latest_known = [
    'email_normalized', 'phone_normalized', 'full_name', 'gender_known', 'birth_date', 'city',
    'province', 'country_code', 'member_level', 'referred_by_customer_id',
] %}

with

customers as (

    select * from {{ ref('stg_crm__customers') }}

),

id_map as (

    select * from {{ ref('int_customer_ids_mapped') }}

),

records as (

    select
        customers.*,
        case when customers.gender <> 'unknown' then customers.gender end as gender_known,
        id_map.customer_key
    from customers
    inner join id_map
        on customers.customer_id = id_map.source_customer_id

),

record_counts as (

    select
        customer_key,
        count(*) as source_record_count
    from records
    group by customer_key

),

counted as (

    select
        records.*,
        record_counts.source_record_count
    from records
    inner join record_counts
        on records.customer_key = record_counts.customer_key

),

-- a person with one record is that record, as the ranking below would give it: no window sorts
-- (at 1 M customers nearly every person; ranking every record took most of this model's time)

single_record_persons as (

    select
        customer_key,
        {%- for attribute in latest_known %}
            {{ attribute }},
        {%- endfor %}
        acquisition_channel,
        signup_at,
        updated_at,
        loaded_at,
        coalesce(is_marketing_opt_in, false) as is_marketing_opt_in,
        coalesce(is_test_account, false) as is_test_account,
        source_record_count
    from counted
    where source_record_count = 1

),

ranked as (

    select
        *,
        {%- for attribute in latest_known %}
            row_number() over (
                partition by customer_key
                order by
                    case when {{ attribute }} is null then 1 else 0 end,
                    updated_at desc,
                    customer_id asc
            ) as rank_{{ attribute }},
        {%- endfor %}
        row_number() over (
            partition by customer_key
            order by updated_at desc, customer_id asc
        ) as recency_rank,
        row_number() over (
            partition by customer_key
            order by signup_at asc, customer_id asc
        ) as signup_rank
    from counted
    where source_record_count > 1

),

merged_persons as (

    select
        customer_key,
        {%- for attribute in latest_known %}
            max(case when rank_{{ attribute }} = 1 then {{ attribute }} end) as {{ attribute }},
        {%- endfor %}
        max(case when signup_rank = 1 then acquisition_channel end) as acquisition_channel,
        min(signup_at) as signup_at,
        max(updated_at) as updated_at,
        max(loaded_at) as loaded_at,
        max(
            case when recency_rank = 1 and is_marketing_opt_in then 1 else 0 end
        ) = 1 as is_marketing_opt_in,
        max(case when is_test_account then 1 else 0 end) = 1 as is_test_account,
        count(*) as source_record_count
    from ranked
    group by customer_key

),

per_person as (

    select * from single_record_persons
    union all
    select * from merged_persons

),

with_referrer as (

    select
        per_person.*,
        referrer_map.customer_key as referrer_key
    from per_person
    left join id_map as referrer_map
        on per_person.referred_by_customer_id = referrer_map.source_customer_id

),

final as (

    select
        -- ids
        customer_key,
        -- a referral inside one merged person is no referral
        case when referrer_key <> customer_key then referrer_key end as referred_by_customer_key,

        -- contact (normalised; masked or hashed before any mart)
        email_normalized,
        phone_normalized,

        -- profile
        full_name,
        coalesce(gender_known, 'unknown') as gender,
        birth_date,
        city,
        province,
        country_code,
        acquisition_channel,
        member_level,

        -- flags
        is_marketing_opt_in,
        is_test_account,
        referred_by_customer_id is not null and referrer_key is null as has_unknown_referrer,

        -- counts
        source_record_count,

        -- timestamps
        signup_at,
        {{ local_date('signup_at') }} as signup_date,
        updated_at,
        loaded_at

    from with_referrer

)

select * from final
