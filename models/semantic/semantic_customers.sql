{#-
    The customers mart as the semantic layer reads it (a view): one row per customer on the as-of
    date with the flags the measures add up and each customer's weight in the shares - 1 / the
    customers of the date (share_of_customers), 1 / the purchasing customers (share_of_buyers) -
    so that a share is a sum, additive over every dimension a query slices by.
-#}

with

customers as (

    select * from {{ ref('customers') }}

),

counted as (

    select
        *,
        count(*) over (partition by as_of_date) as customers_on_date,
        sum(case when lifetime_purchases > 0 then 1 else 0 end)
            over (partition by as_of_date) as buyers_on_date
    from customers

),

final as (

    select
        -- keys
        cast(customer_key as {{ dbt.type_string() }}) as customer_key,
        cast(as_of_date as date) as as_of_date,

        -- dimensions
        cast(acquisition_channel as {{ dbt.type_string() }}) as acquisition_channel,
        cast(rfm_segment as {{ dbt.type_string() }}) as rfm_segment,
        cast(rfm_segment_name_en as {{ dbt.type_string() }}) as rfm_segment_name_en,
        cast(rfm_segment_name_zh as {{ dbt.type_string() }}) as rfm_segment_name_zh,
        cast(rfm_group as {{ dbt.type_string() }}) as rfm_group,
        cast(rfm_group_name_en as {{ dbt.type_string() }}) as rfm_group_name_en,
        cast(rfm_group_name_zh as {{ dbt.type_string() }}) as rfm_group_name_zh,
        cast(lifecycle_stage as {{ dbt.type_string() }}) as lifecycle_stage,
        cast(lifecycle_stage_name_en as {{ dbt.type_string() }}) as lifecycle_stage_name_en,
        cast(lifecycle_stage_name_zh as {{ dbt.type_string() }}) as lifecycle_stage_name_zh,
        cast(value_tier as {{ dbt.type_string() }}) as value_tier,
        cast(value_tier_name_en as {{ dbt.type_string() }}) as value_tier_name_en,
        cast(value_tier_name_zh as {{ dbt.type_string() }}) as value_tier_name_zh,

        -- measures
        cast(lifetime_purchases as {{ dbt.type_int() }}) as lifetime_purchases,
        cast(lifetime_revenue as {{ amount_type() }}) as lifetime_revenue,
        cast(case when lifetime_purchases > 0 then 1 else 0 end as {{ dbt.type_int() }}) as is_buyer,
        cast(case when lifetime_purchases >= 2 then 1 else 0 end as {{ dbt.type_int() }})
            as is_repeat_customer,
        cast({{ divide_as_double('1', 'customers_on_date') }} as {{ type_double() }}) as customer_share,
        cast(
            case when lifetime_purchases > 0 then {{ divide_as_double('1', 'buyers_on_date') }} else 0 end
            as {{ type_double() }}
        ) as buyer_share

    from counted

)

select * from final
