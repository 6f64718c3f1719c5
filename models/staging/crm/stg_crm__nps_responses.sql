{#- One row per NPS response with a valid 0-10 score. -#}

with

base as (

    select * from {{ ref('base_crm__nps_responses') }}

),

final as (

    select
        -- ids
        response_id,
        customer_id,

        -- answer
        score,
        response_comment,

        -- timestamps
        responded_at,
        {{ local_date('responded_at') }} as responded_date,
        loaded_at

    from base
    where row_status = 'clean'

)

select * from final
