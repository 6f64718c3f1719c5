{#- Lifecycle stage of every customer who exists on the as-of date, with the dates and
    counts the rules looked at and the rule that matched. -#}

with

staged as (

    select * from {{ ref('int_customers_lifecycle_staged') }}

),

stages as (

    select * from {{ ref('lifecycle_stages') }}

),

final as (

    select
        -- keys
        cast(staged.customer_key as {{ dbt.type_string() }}) as customer_key,
        cast(staged.as_of_date as date) as as_of_date,

        -- label
        cast(staged.lifecycle_stage as {{ dbt.type_string() }}) as lifecycle_stage,
        cast(stages.name_en as {{ dbt.type_string() }}) as lifecycle_stage_name_en,
        cast(stages.name_zh as {{ dbt.type_string() }}) as lifecycle_stage_name_zh,
        cast(stages.rule_order as {{ dbt.type_int() }}) as matched_rule_order,
        cast(stages.recommended_action as {{ dbt.type_string() }}) as recommended_action,
        cast(stages.recommended_action_zh as {{ dbt.type_string() }}) as recommended_action_zh,

        -- evidence
        cast(staged.first_purchase_date as date) as first_purchase_date,
        cast(staged.last_purchase_date as date) as last_purchase_date,
        cast(staged.previous_purchase_date as date) as previous_purchase_date,
        cast(staged.days_since_first_purchase as {{ dbt.type_int() }}) as days_since_first_purchase,
        cast(staged.recency_days as {{ dbt.type_int() }}) as days_since_last_purchase,
        cast(staged.days_between_last_two_purchases as {{ dbt.type_int() }})
            as days_between_last_two_purchases,
        cast(staged.lifetime_purchases as {{ dbt.type_int() }}) as lifetime_purchases,
        cast(staged.loyal_window_purchases as {{ dbt.type_int() }}) as loyal_window_purchases

    from staged
    left join stages
        on staged.lifecycle_stage = stages.stage_code

)

select * from final
