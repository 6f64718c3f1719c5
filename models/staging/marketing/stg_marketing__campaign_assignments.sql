{#- One row per (campaign, source customer): the first assignment. -#}

with

base as (

    select * from {{ ref('base_marketing__campaign_assignments') }}

),

final as (

    select
        -- ids
        campaign_id,
        customer_id,

        -- strings
        variant,

        -- timestamps
        assigned_at,
        {{ local_date('assigned_at') }} as assigned_date,
        loaded_at

    from base
    where row_status = 'clean'

)

select * from final
