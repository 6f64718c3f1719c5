{#- One row per campaign. -#}

with

base as (

    select * from {{ ref('base_marketing__campaigns') }}

),

final as (

    select
        -- ids
        campaign_id,

        -- strings
        campaign_name,
        channel,
        target_segment,

        -- numerics
        conversion_window_days,

        -- timestamps
        starts_at,
        ends_at,
        {{ local_date('starts_at') }} as start_date,
        {{ local_date('ends_at') }} as end_date,
        loaded_at

    from base
    where row_status = 'clean'

)

select * from final
