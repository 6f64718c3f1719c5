{#- NPS answers re-pointed to the person (customer_key); unknown customers are reported in
    int_rows_unattributed. -#}

with

responses as (

    select * from {{ ref('stg_crm__nps_responses') }}

),

id_map as (

    select * from {{ ref('int_customer_ids_mapped') }}

),

final as (

    select
        -- ids
        responses.response_id,
        id_map.customer_key,
        responses.customer_id as source_customer_id,

        -- answer
        responses.score,
        responses.response_comment,

        -- flags
        id_map.is_test_account,

        -- timestamps
        responses.responded_at,
        responses.responded_date

    from responses
    inner join id_map
        on responses.customer_id = id_map.source_customer_id

)

select * from final
