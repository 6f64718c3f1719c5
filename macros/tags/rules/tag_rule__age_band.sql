{#-
    age_band_<band> (年龄段): the customer's age band on the as-of date (age_bands seed, from
    int_customers_profiled as in the customers mart). Customers without a known birth date get
    no age tag.
-#}
{% macro tag_rule__age_band() %}

with

customers as (

    select * from {{ ref('int_customers_profiled') }}

),

final as (

    select
        customer_key,
        {{ dbt.concat(["'age_band_'", tag_code_suffix('age_band')]) }} as tag_code,
        {{ row_as_text(['age_years']) }} as evidence_value,
        age_years as evidence_number
    from customers
    where age_band is not null and age_band <> 'unknown'

)

select * from final

{% endmacro %}
