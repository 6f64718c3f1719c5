{#- One row per event_id (first delivery), anonymous events included. -#}

with

base as (

    select * from {{ ref('base_app__events') }}

),

final as (

    select
        -- ids
        event_id,
        customer_id,
        anonymous_id,
        session_id,
        product_id,

        -- strings
        event_type,
        platform,
        utm_source,
        utm_medium,
        utm_campaign,

        -- timestamps
        occurred_at,
        {{ to_local_timestamp('occurred_at') }} as occurred_at_local,
        {{ local_date('occurred_at') }} as event_date,
        loaded_at

    from base
    where row_status = 'clean'

)

select * from final
