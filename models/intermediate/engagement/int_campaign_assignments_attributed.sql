{#-
    Campaign assignments re-pointed to the person (customer_key), for campaigns that exist.
    When two merged records of one person were assigned to the same campaign, the first
    assignment stands. Assignments of unknown customers or campaigns are reported in
    int_rows_unattributed.
-#}

with

assignments as (

    select * from {{ ref('stg_marketing__campaign_assignments') }}

),

campaigns as (

    select * from {{ ref('stg_marketing__campaigns') }}

),

id_map as (

    select * from {{ ref('int_customer_ids_mapped') }}

),

attributed as (

    select
        assignments.campaign_id,
        id_map.customer_key,
        assignments.customer_id as source_customer_id,
        assignments.variant,
        id_map.is_test_account,
        assignments.assigned_at,
        assignments.assigned_date,
        row_number() over (
            partition by assignments.campaign_id, id_map.customer_key
            order by assignments.assigned_at asc, assignments.customer_id asc
        ) as assignment_rank
    from assignments
    inner join id_map
        on assignments.customer_id = id_map.source_customer_id
    inner join campaigns
        on assignments.campaign_id = campaigns.campaign_id

),

final as (

    select
        campaign_id,
        customer_key,
        source_customer_id,
        variant,
        is_test_account,
        assigned_at,
        assigned_date
    from attributed
    where assignment_rank = 1

)

select * from final
