{#-
    region_<region> (地区): the region of the customer's city (city_tiers seed, from
    int_customers_profiled as in the customers mart). Unlisted cities get no tag.
-#}
{% macro tag_rule__region() %}

with

customers as (

    select * from {{ ref('int_customers_profiled') }}

),

final as (

    select
        customer_key,
        {{ dbt.concat(["'region_'", tag_code_suffix('region')]) }} as tag_code,
        {{ row_as_text(['city', 'province']) }} as evidence_value,
        cast(null as {{ type_double() }}) as evidence_number
    from customers
    where region is not null and region <> 'unknown'

)

select * from final

{% endmacro %}
