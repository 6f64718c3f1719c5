{#-
    The identity map: every source customer_id (clean staging row) to the surviving
    customer_key of the person it belongs to.

    Two records are the same person when they share a normalised email or a normalised
    phone, transitively (A~B by email, B~C by phone => A, B, C are one person). Components
    are found by label propagation: each pass lets every record take the smallest label
    among records sharing its email or its phone. var identity_resolution_passes passes run;
    is_converged says whether one more pass would change the label (a data test demands it).
    The survivor, whose customer_id becomes the customer_key, is the record that signed up
    first (ties: the smallest customer_id). Test accounts are never merged.
-#}

{%- set passes = var('identity_resolution_passes') | int %}
{%- if passes < 1 %}
    {{ exceptions.raise_compiler_error("var identity_resolution_passes must be at least 1, got " ~ passes) }}
{%- endif %}

with

customers as (

    select * from {{ ref('stg_crm__customers') }}

),

match_keys as (

    select
        customer_id,
        signup_at,
        is_test_account,
        case when not is_test_account then email_normalized end as match_email,
        case when not is_test_account then phone_normalized end as match_phone,
        customer_id as label_0
    from customers

),

email_counts as (

    select
        match_email,
        count(*) as records_with_email
    from match_keys
    where match_email is not null
    group by match_email

),

phone_counts as (

    select
        match_phone,
        count(*) as records_with_phone
    from match_keys
    where match_phone is not null
    group by match_phone

),

-- a record sharing neither its email nor its phone with another record is a person of its own:
-- it keeps its label in every pass and passes it to no one, so only the linked records are
-- propagated (at 1 M customers about 5 %; propagating every record took most of this model's time)
flagged as (

    select
        match_keys.*,
        coalesce(email_counts.records_with_email, 1) > 1
        or coalesce(phone_counts.records_with_phone, 1) > 1 as is_linked
    from match_keys
    left join email_counts
        on match_keys.match_email = email_counts.match_email
    left join phone_counts
        on match_keys.match_phone = phone_counts.match_phone

),

linked as (

    select * from flagged
    where is_linked

),

{% for pass in range(1, passes + 2) %}
    pass_{{ pass }} as (

        select
            *,
            -- records without an email (phone) share no partition: only real values link records
            least(
                label_{{ pass - 1 }},
                case
                    when match_email is not null
                        then min(label_{{ pass - 1 }}) over (partition by match_email)
                    else label_{{ pass - 1 }}
                end,
                case
                    when match_phone is not null
                        then min(label_{{ pass - 1 }}) over (partition by match_phone)
                    else label_{{ pass - 1 }}
                end
            ) as label_{{ pass }}
        from {{ 'linked' if pass == 1 else 'pass_' ~ (pass - 1) }}

    ),
{% endfor %}

components as (

    select
        customer_id,
        signup_at,
        is_test_account,
        match_email,
        match_phone,
        label_{{ passes }} as component_id,
        label_{{ passes }} = label_{{ passes + 1 }} as is_converged
    from pass_{{ passes + 1 }}

),

survival_ranked as (

    select
        component_id,
        customer_id,
        row_number() over (
            partition by component_id
            order by signup_at asc, customer_id asc
        ) as survivor_rank
    from components

),

survivors as (

    select
        component_id,
        customer_id as customer_key
    from survival_ranked
    where survivor_rank = 1

),

shared_keys as (

    select
        *,
        count(match_email) over (partition by component_id, match_email) as records_sharing_email,
        count(match_phone) over (partition by component_id, match_phone) as records_sharing_phone
    from components

),

linked_records as (

    select
        shared_keys.customer_id as source_customer_id,
        survivors.customer_key,
        case
            when shared_keys.customer_id = survivors.customer_key then 'survivor'
            when
                shared_keys.records_sharing_email > 1
                and shared_keys.records_sharing_phone > 1
                then 'email_and_phone'
            when shared_keys.records_sharing_email > 1 then 'email'
            when shared_keys.records_sharing_phone > 1 then 'phone'
            else 'transitive'
        end as match_rule,
        shared_keys.is_test_account,
        shared_keys.is_converged
    from shared_keys
    inner join survivors
        on shared_keys.component_id = survivors.component_id

),

-- each unlinked record as the steps above would give it: its own survivor, converged
single_records as (

    select
        customer_id as source_customer_id,
        customer_id as customer_key,
        'survivor' as match_rule,
        is_test_account,
        true as is_converged
    from flagged
    where not is_linked

),

final as (

    select * from linked_records
    union all
    select * from single_records

)

select * from final
