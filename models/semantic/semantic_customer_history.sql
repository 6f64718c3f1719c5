{#-
    customer_segment_history as the semantic layer reads it (a view): one row per customer and
    as-of date of the history with its labels, purchase summary and buyer / repeat flags, and the
    customer's acquisition channel (customers mart; a customer's channel does not change).
-#}

with

history as (

    select * from {{ ref('customer_segment_history') }}

),

customers as (

    select * from {{ ref('customers') }}

),

final as (

    select
        -- keys
        cast(
            {{ dbt.concat([
                'history.customer_key',
                "'|'",
                'cast(history.as_of_date as ' ~ dbt.type_string() ~ ')',
            ]) }} as {{ dbt.type_string() }}
        ) as customer_as_of_key,
        cast(history.customer_key as {{ dbt.type_string() }}) as customer_key,
        cast(history.as_of_date as date) as as_of_date,

        -- dimensions
        cast(customers.acquisition_channel as {{ dbt.type_string() }}) as acquisition_channel,
        cast(history.rfm_segment as {{ dbt.type_string() }}) as rfm_segment,
        cast(history.rfm_segment_name_en as {{ dbt.type_string() }}) as rfm_segment_name_en,
        cast(history.rfm_segment_name_zh as {{ dbt.type_string() }}) as rfm_segment_name_zh,
        cast(history.rfm_group as {{ dbt.type_string() }}) as rfm_group,
        cast(history.rfm_group_name_en as {{ dbt.type_string() }}) as rfm_group_name_en,
        cast(history.rfm_group_name_zh as {{ dbt.type_string() }}) as rfm_group_name_zh,
        cast(history.lifecycle_stage as {{ dbt.type_string() }}) as lifecycle_stage,
        cast(history.lifecycle_stage_name_en as {{ dbt.type_string() }}) as lifecycle_stage_name_en,
        cast(history.lifecycle_stage_name_zh as {{ dbt.type_string() }}) as lifecycle_stage_name_zh,
        cast(history.value_tier as {{ dbt.type_string() }}) as value_tier,
        cast(history.value_tier_name_en as {{ dbt.type_string() }}) as value_tier_name_en,
        cast(history.value_tier_name_zh as {{ dbt.type_string() }}) as value_tier_name_zh,

        -- measures
        cast(history.lifetime_purchases as {{ dbt.type_int() }}) as lifetime_purchases,
        cast(history.lifetime_revenue as {{ amount_type() }}) as lifetime_revenue,
        cast(case when history.lifetime_purchases > 0 then 1 else 0 end as {{ dbt.type_int() }}) as is_buyer,
        cast(case when history.lifetime_purchases >= 2 then 1 else 0 end as {{ dbt.type_int() }})
            as is_repeat_customer

    from history
    left join customers
        on history.customer_key = customers.customer_key

)

select * from final
