{#-
    One row per segmentation and label on the as-of date, the table a dashboard reads:
    customers and their share, lifetime net revenue and its share, average order value,
    average recency and repurchase rate (share of customers with 2+ purchases). Every label
    of the lookup seeds appears, with zeros when nobody has it. Shares are within the
    segmentation: lifecycle over every customer, RFM and value tier over purchasing customers.
-#}

with

customers as (

    select * from {{ ref('customers') }}

),

as_of_dates as (

    select as_of_date from {{ ref('int_as_of_date_resolved') }}

),

segments as (

    select * from {{ ref('rfm_segments') }}

),

groups as (

    select * from {{ ref('rfm_segment_groups') }}

),

stages as (

    select * from {{ ref('lifecycle_stages') }}

),

tiers as (

    select * from {{ ref('value_tiers') }}

),

label_names as (

    select * from {{ ref('label_names') }}

),

segmentation_names as (

    select * from label_names
    where code_set = 'segmentation'

),

labels as (

    select
        'rfm_segment' as segmentation,
        segment_code as label,
        name_en as label_name_en,
        name_zh as label_name_zh,
        sort_order,
        recommended_action,
        recommended_action_zh
    from segments
    union all
    select
        'rfm_group' as segmentation,
        group_code as label,
        name_en as label_name_en,
        name_zh as label_name_zh,
        sort_order,
        cast(null as {{ dbt.type_string() }}) as recommended_action,
        cast(null as {{ dbt.type_string() }}) as recommended_action_zh
    from groups
    union all
    select
        'lifecycle_stage' as segmentation,
        stage_code as label,
        name_en as label_name_en,
        name_zh as label_name_zh,
        rule_order as sort_order,
        recommended_action,
        recommended_action_zh
    from stages
    union all
    select
        'value_tier' as segmentation,
        tier_code as label,
        name_en as label_name_en,
        name_zh as label_name_zh,
        sort_order,
        cast(null as {{ dbt.type_string() }}) as recommended_action,
        cast(null as {{ dbt.type_string() }}) as recommended_action_zh
    from tiers

),

customer_labels as (

    {%- for segmentation in ['rfm_segment', 'rfm_group', 'lifecycle_stage', 'value_tier'] %}
        {%- if not loop.first %}
            union all
        {%- endif %}
        select
            '{{ segmentation }}' as segmentation,
            {{ segmentation }} as label,
            customer_key,
            lifetime_purchases,
            lifetime_revenue,
            recency_days
        from customers
        where {{ segmentation }} is not null
    {%- endfor %}

),

per_label as (

    select
        segmentation,
        label,
        count(*) as customers,
        sum(lifetime_revenue) as revenue,
        sum(lifetime_purchases) as purchases,
        avg(recency_days) as average_recency_days,
        sum(case when lifetime_purchases >= 2 then 1 else 0 end) as repeat_customers
    from customer_labels
    group by segmentation, label

),

per_segmentation as (

    select
        segmentation,
        sum(customers) as customers,
        sum(revenue) as revenue
    from per_label
    group by segmentation

),

final as (

    select
        -- keys
        cast(as_of_dates.as_of_date as date) as as_of_date,
        cast(labels.segmentation as {{ dbt.type_string() }}) as segmentation,
        cast(segmentation_names.name_en as {{ dbt.type_string() }}) as segmentation_name_en,
        cast(segmentation_names.name_zh as {{ dbt.type_string() }}) as segmentation_name_zh,
        cast(labels.label as {{ dbt.type_string() }}) as label,
        cast(labels.label_name_en as {{ dbt.type_string() }}) as label_name_en,
        cast(labels.label_name_zh as {{ dbt.type_string() }}) as label_name_zh,
        cast(labels.sort_order as {{ dbt.type_int() }}) as sort_order,
        cast(labels.recommended_action as {{ dbt.type_string() }}) as recommended_action,
        cast(labels.recommended_action_zh as {{ dbt.type_string() }}) as recommended_action_zh,

        -- customers
        cast(coalesce(per_label.customers, 0) as {{ dbt.type_int() }}) as customers,
        cast(
            {{ divide_as_double(
                'coalesce(per_label.customers, 0)', 'nullif(per_segmentation.customers, 0)'
            ) }}
            as {{ type_double() }}
        ) as share_of_customers,

        -- revenue
        cast(coalesce(per_label.revenue, 0) as {{ amount_type() }}) as revenue,
        cast(
            {{ divide_as_double('coalesce(per_label.revenue, 0)', 'nullif(per_segmentation.revenue, 0)') }}
            as {{ type_double() }}
        ) as share_of_revenue,
        {{ divide_amount('per_label.revenue', 'per_label.purchases') }}
            as average_order_value,

        -- behaviour
        cast(per_label.average_recency_days as {{ type_double() }}) as average_recency_days,
        cast(
            {{ divide_as_double('per_label.repeat_customers', 'nullif(per_label.customers, 0)') }}
            as {{ type_double() }}
        ) as repurchase_rate

    from labels
    cross join as_of_dates
    left join per_label
        on
            labels.segmentation = per_label.segmentation
            and labels.label = per_label.label
    left join per_segmentation
        on labels.segmentation = per_segmentation.segmentation
    left join segmentation_names
        on labels.segmentation = segmentation_names.code

)

select * from final
