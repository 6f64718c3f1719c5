{#- RFM detail of every purchasing customer on the as-of date: the measures, the cut points
    and scores they produced, and the named segment and group. -#}

with

scored as (

    select * from {{ ref('int_customers_rfm_scored') }}

),

segments as (

    select * from {{ ref('rfm_segments') }}

),

groups as (

    select * from {{ ref('rfm_segment_groups') }}

),

final as (

    select
        -- keys
        cast(scored.customer_key as {{ dbt.type_string() }}) as customer_key,
        cast(scored.as_of_date as date) as as_of_date,

        -- measures
        cast(scored.last_purchase_date as date) as last_purchase_date,
        cast(scored.recency_days as {{ dbt.type_int() }}) as recency_days,
        cast(scored.frequency as {{ dbt.type_int() }}) as frequency,
        cast(scored.monetary as {{ amount_type() }}) as monetary,

        -- scores
        cast(scored.r_score as {{ dbt.type_int() }}) as r_score,
        cast(scored.f_score as {{ dbt.type_int() }}) as f_score,
        cast(scored.m_score as {{ dbt.type_int() }}) as m_score,
        cast(scored.fm_score as {{ dbt.type_int() }}) as fm_score,
        cast(
            {{ dbt.concat([
                'cast(scored.r_score as ' ~ dbt.type_string() ~ ')',
                "'-'",
                'cast(scored.fm_score as ' ~ dbt.type_string() ~ ')',
            ]) }} as {{ dbt.type_string() }}
        ) as rfm_cell,
        cast('{{ var("rfm_scoring_method") }}' as {{ dbt.type_string() }}) as scoring_method,

        -- labels
        cast(scored.rfm_segment as {{ dbt.type_string() }}) as rfm_segment,
        cast(segments.name_en as {{ dbt.type_string() }}) as rfm_segment_name_en,
        cast(segments.name_zh as {{ dbt.type_string() }}) as rfm_segment_name_zh,
        cast(scored.rfm_group as {{ dbt.type_string() }}) as rfm_group,
        cast(groups.name_en as {{ dbt.type_string() }}) as rfm_group_name_en,
        cast(groups.name_zh as {{ dbt.type_string() }}) as rfm_group_name_zh,
        cast(segments.recommended_action as {{ dbt.type_string() }}) as recommended_action,
        cast(segments.recommended_action_zh as {{ dbt.type_string() }}) as recommended_action_zh

    from scored
    left join segments
        on scored.rfm_segment = segments.segment_code
    left join groups
        on scored.rfm_group = groups.group_code

)

select * from final
