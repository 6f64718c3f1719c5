{#-
    The attribute rules: tags that are one filter on one profile attribute of
    int_customers_profiled, one row each in the seed tag_attribute_rules - the rule (as named in
    tag_catalog), the attribute it reads, its tag code (fixed, or a prefix followed by the
    attribute's value) and which values tag: every known value, or those of the list var named in
    tagged_values_var. A profile's 'unknown' label (age band, city tier, region) is not a known
    value.
    - age_band_<band> (年龄段): the age band on the as-of date (age_bands seed), evidence the age;
    - city_<tier> (城市等级): the commercial tier of the city (city_tiers seed);
    - region_<region> (地区): the region of the city (city_tiers seed);
    - vip_member (VIP会员): the latest member level is one of var tag_vip_member_levels;
    - referred_customer (被推荐客户): signed up through another (known) customer's referral.
-#}

{#- The list vars a row of tag_attribute_rules can name in tagged_values_var (a data test on
    the seed accepts exactly these). -#}
{%- set listed_value_vars = ['tag_vip_member_levels'] %}
{%- set listed_values = [] %}
{%- for var_name in listed_value_vars %}
    {%- for value in var(var_name) %}
        {%- do listed_values.append((var_name, value)) %}
    {%- endfor %}
{%- endfor %}

with

customers as (

    select * from {{ ref('int_customers_profiled') }}

),

attribute_rules as (

    select * from {{ ref('tag_attribute_rules') }}

),

listed_values as (

    -- the values of the list vars, one row each
    {%- for var_name, value in listed_values %}

        select
            cast({{ sql_quoted_list([var_name]) }} as {{ dbt.type_string() }}) as values_var,
            cast({{ sql_quoted_list([value]) }} as {{ dbt.type_string() }}) as attribute_value
        {{ "union all" if not loop.last }}
    {%- endfor %}
    {%- if not listed_values %}

        select
            cast(null as {{ dbt.type_string() }}) as values_var,
            cast(null as {{ dbt.type_string() }}) as attribute_value
        from attribute_rules
        where 1 = 0
    {%- endif %}

),

customer_attributes as (

    -- one row per customer and attribute a rule can read: its value (null when not known) and
    -- the evidence a tag on it shows
    select
        customer_key,
        'age_band' as profile_attribute,
        nullif(age_band, 'unknown') as attribute_value,
        {{ row_as_text(['age_years']) }} as evidence_value,
        cast(age_years as {{ type_double() }}) as evidence_number
    from customers
    union all
    select
        customer_key,
        'city_tier' as profile_attribute,
        nullif(city_tier, 'unknown') as attribute_value,
        {{ row_as_text(['city']) }} as evidence_value,
        cast(null as {{ type_double() }}) as evidence_number
    from customers
    union all
    select
        customer_key,
        'region' as profile_attribute,
        nullif(region, 'unknown') as attribute_value,
        {{ row_as_text(['city', 'province']) }} as evidence_value,
        cast(null as {{ type_double() }}) as evidence_number
    from customers
    union all
    select
        customer_key,
        'member_level' as profile_attribute,
        member_level as attribute_value,
        {{ row_as_text(['member_level']) }} as evidence_value,
        cast(null as {{ type_double() }}) as evidence_number
    from customers
    union all
    select
        customer_key,
        'referred_by_customer_key' as profile_attribute,
        referred_by_customer_key as attribute_value,
        {{ row_as_text(['referred_by_customer_key']) }} as evidence_value,
        cast(null as {{ type_double() }}) as evidence_number
    from customers

),

tagged as (

    select
        customer_attributes.customer_key,
        attribute_rules.rule as tag_rule,
        coalesce(
            attribute_rules.tag_code,
            {{ dbt.concat([
                'attribute_rules.tag_code_prefix', tag_code_suffix('customer_attributes.attribute_value'),
            ]) }}
        ) as tag_code,
        customer_attributes.evidence_value,
        customer_attributes.evidence_number
    from customer_attributes
    inner join attribute_rules
        on customer_attributes.profile_attribute = attribute_rules.profile_attribute
    left join listed_values
        on
            attribute_rules.tagged_values_var = listed_values.values_var
            and customer_attributes.attribute_value = listed_values.attribute_value
    where
        customer_attributes.attribute_value is not null
        and (attribute_rules.tagged_values_var is null or listed_values.attribute_value is not null)

),

final as (

    select
        cast(customer_key as {{ dbt.type_string() }}) as customer_key,
        cast(tag_code as {{ dbt.type_string() }}) as tag_code,
        cast(tag_rule as {{ dbt.type_string() }}) as tag_rule,
        cast(evidence_value as {{ dbt.type_string() }}) as evidence_value,
        cast(evidence_number as {{ type_double() }}) as evidence_number
    from tagged

)

select * from final
