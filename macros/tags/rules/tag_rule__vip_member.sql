{#-
    vip_member (VIP会员): the customer's latest member level is one of var tag_vip_member_levels.
-#}
{% macro tag_rule__vip_member() %}

with

customers as (

    select * from {{ ref('int_customers_profiled') }}

),

final as (

    select
        customer_key,
        'vip_member' as tag_code,
        {{ row_as_text(['member_level']) }} as evidence_value,
        cast(null as {{ type_double() }}) as evidence_number
    from customers
    where member_level in ({{ sql_quoted_list(var('tag_vip_member_levels')) }})

)

select * from final

{% endmacro %}
