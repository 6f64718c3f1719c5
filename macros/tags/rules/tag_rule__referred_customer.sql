{#-
    referred_customer (被推荐客户): signed up through another (known) customer's referral.
-#}
{% macro tag_rule__referred_customer() %}

with

customers as (

    select * from {{ ref('int_customers_profiled') }}

),

final as (

    select
        customer_key,
        'referred_customer' as tag_code,
        {{ row_as_text(['referred_by_customer_key']) }} as evidence_value,
        cast(null as {{ type_double() }}) as evidence_number
    from customers
    where referred_by_customer_key is not null

)

select * from final

{% endmacro %}
