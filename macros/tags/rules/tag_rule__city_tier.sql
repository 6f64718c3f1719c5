{#-
    city_<tier> (城市等级): the commercial tier of the customer's city (city_tiers seed, from
    int_customers_profiled as in the customers mart): city_tier_1, city_new_tier_1,
    city_tier_2 ... Unlisted cities get no tag.
-#}
{% macro tag_rule__city_tier() %}

with

customers as (

    select * from {{ ref('int_customers_profiled') }}

),

final as (

    select
        customer_key,
        {{ dbt.concat(["'city_'", tag_code_suffix('city_tier')]) }} as tag_code,
        {{ row_as_text(['city']) }} as evidence_value,
        cast(null as {{ type_double() }}) as evidence_number
    from customers
    where city_tier is not null and city_tier <> 'unknown'

)

select * from final

{% endmacro %}
