{#-
    customer_tags as the semantic layer reads it (a view): one row per customer and active tag on
    the as-of date, with the customer's as-of date and purchase summary from the customers mart,
    so that the tag metrics count customers and revenue per tag and tag group.
-#}

with

customer_tags as (

    select * from {{ ref('customer_tags') }}

),

customers as (

    select * from {{ ref('customers') }}

),

final as (

    select
        -- keys
        cast(
            {{ dbt.concat(['customer_tags.customer_key', "'|'", 'customer_tags.tag_code']) }}
            as {{ dbt.type_string() }}
        ) as customer_tag_key,
        cast(customer_tags.customer_key as {{ dbt.type_string() }}) as customer_key,
        cast(customers.as_of_date as date) as as_of_date,

        -- dimensions
        cast(customer_tags.tag_code as {{ dbt.type_string() }}) as tag_code,
        cast(customer_tags.tag_name_en as {{ dbt.type_string() }}) as tag_name_en,
        cast(customer_tags.tag_name_zh as {{ dbt.type_string() }}) as tag_name_zh,
        cast(customer_tags.tag_group as {{ dbt.type_string() }}) as tag_group,
        cast(customer_tags.tag_group_name_en as {{ dbt.type_string() }}) as tag_group_name_en,
        cast(customer_tags.tag_group_name_zh as {{ dbt.type_string() }}) as tag_group_name_zh,

        -- measures
        cast(customers.lifetime_purchases as {{ dbt.type_int() }}) as lifetime_purchases,
        cast(customers.lifetime_revenue as {{ amount_type() }}) as lifetime_revenue,
        cast(case when customers.lifetime_purchases > 0 then 1 else 0 end as {{ dbt.type_int() }}) as is_buyer

    from customer_tags
    inner join customers
        on customer_tags.customer_key = customers.customer_key

)

select * from final
