{#-
    nps_promoter (NPS推荐者) and nps_detractor (NPS贬损者): the customer's latest NPS answer of
    the last var tag_nps_window_days days (latest responded_at, then response_id) scored at least
    var tag_nps_promoter_min_score, or at most var tag_nps_detractor_max_score. Passives (7-8)
    get neither; an older answer never outvotes a newer one.
-#}

with

as_of_dates as (

    select as_of_date from {{ ref('int_as_of_date_resolved') }}

),

responses as (

    select * from {{ ref('int_nps_responses_attributed') }}

),

responses_in_window as (

    select
        responses.customer_key,
        responses.response_id,
        responses.score,
        responses.responded_at,
        responses.responded_date
    from responses
    cross join as_of_dates
    where
        not responses.is_test_account
        and {{ days_before_as_of_between('responses.responded_date', 0, var('tag_nps_window_days')) }}

),

responses_ranked as (

    select
        customer_key,
        score,
        responded_date,
        row_number() over (
            partition by customer_key
            order by responded_at desc, response_id desc
        ) as recency_order
    from responses_in_window

),

latest_responses as (

    select
        customer_key,
        score as latest_score,
        responded_date
    from responses_ranked
    where recency_order = 1

),

final as (

    select
        cast(customer_key as {{ dbt.type_string() }}) as customer_key,
        cast(
            case
                when latest_score >= {{ var('tag_nps_promoter_min_score') }} then 'nps_promoter'
                else 'nps_detractor'
            end as {{ dbt.type_string() }}
        ) as tag_code,
        cast('nps' as {{ dbt.type_string() }}) as tag_rule,
        cast(
            {{ row_as_text(['latest_score', 'responded_date']) }}
            as {{ dbt.type_string() }}
        ) as evidence_value,
        cast(latest_score as {{ type_double() }}) as evidence_number
    from latest_responses
    where
        latest_score >= {{ var('tag_nps_promoter_min_score') }}
        or latest_score <= {{ var('tag_nps_detractor_max_score') }}

)

select * from final
