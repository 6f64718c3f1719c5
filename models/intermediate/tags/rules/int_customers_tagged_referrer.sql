{#-
    referrer (老带新): referred at least var tag_referrer_min_buyers customers who made a purchase
    on or before the as-of date. A referral whose referred customer never bought does not count.
-#}

with

customers as (

    select * from {{ ref('int_customers_profiled') }}

),

referrals as (

    select
        referred_by_customer_key as customer_key,
        count(*) as referred_customers,
        sum(case when lifetime_purchases > 0 then 1 else 0 end) as referred_buyers
    from customers
    where referred_by_customer_key is not null
    group by referred_by_customer_key

),

referrers as (

    select referrals.*
    from referrals
    inner join customers
        on referrals.customer_key = customers.customer_key

),

final as (

    select
        cast(customer_key as {{ dbt.type_string() }}) as customer_key,
        cast('referrer' as {{ dbt.type_string() }}) as tag_code,
        cast('referrer' as {{ dbt.type_string() }}) as tag_rule,
        cast(
            {{ row_as_text(['referred_buyers', 'referred_customers']) }}
            as {{ dbt.type_string() }}
        ) as evidence_value,
        cast(referred_buyers as {{ type_double() }}) as evidence_number
    from referrers
    where referred_buyers >= {{ var('tag_referrer_min_buyers') }}

)

select * from final
