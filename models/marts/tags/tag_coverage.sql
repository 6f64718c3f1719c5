{#-
    The tag review (标签复盘) as a table: per active catalogue tag, the customers it tags on the
    as-of date, their share, the change since the previous build's figures (those of the latest
    earlier as-of date in tag_coverage_history; null on a first build) and a review flag for tags
    that tag no one or everyone - a tag that separates nobody is either broken or not worth keeping.
-#}

with

coverage as (

    select * from {{ ref('int_tag_coverage_counted') }}

),

history as (

    select * from {{ ref('tag_coverage_history') }}

),

current_dates as (

    select distinct computed_for_date from coverage

),

previous_dates as (

    select max(history.computed_for_date) as previous_computed_for_date
    from history
    inner join current_dates
        on history.computed_for_date < current_dates.computed_for_date

),

previous_coverage as (

    select history.*
    from history
    inner join previous_dates
        on history.computed_for_date = previous_dates.previous_computed_for_date

),

final as (

    select
        -- keys
        cast(coverage.tag_code as {{ dbt.type_string() }}) as tag_code,
        cast(coverage.computed_for_date as date) as computed_for_date,

        -- catalogue
        cast(coverage.tag_group as {{ dbt.type_string() }}) as tag_group,
        cast(coverage.tag_name_en as {{ dbt.type_string() }}) as tag_name_en,
        cast(coverage.tag_name_zh as {{ dbt.type_string() }}) as tag_name_zh,
        cast(coverage.tag_owner as {{ dbt.type_string() }}) as tag_owner,

        -- coverage
        cast(coverage.customers_tagged as {{ dbt.type_int() }}) as customers_tagged,
        cast(coverage.customers_total as {{ dbt.type_int() }}) as customers_total,
        cast(coverage.share_of_customers as {{ type_double() }}) as share_of_customers,

        -- previous build
        cast(previous_coverage.computed_for_date as date) as previous_computed_for_date,
        cast(previous_coverage.customers_tagged as {{ dbt.type_int() }}) as previous_customers_tagged,
        cast(previous_coverage.share_of_customers as {{ type_double() }}) as previous_share_of_customers,
        cast(
            coverage.customers_tagged - previous_coverage.customers_tagged as {{ dbt.type_int() }}
        ) as change_in_customers_tagged,
        cast(
            coverage.share_of_customers - previous_coverage.share_of_customers as {{ type_double() }}
        ) as change_in_share,

        -- review
        cast(coverage.customers_tagged = 0 as {{ dbt.type_boolean() }}) as is_tagging_no_one,
        cast(
            coverage.customers_tagged > 0 and coverage.customers_tagged = coverage.customers_total
            as {{ dbt.type_boolean() }}
        ) as is_tagging_everyone,
        cast(
            case
                when coverage.customers_tagged = 0 then 'tags_no_one'
                when coverage.customers_tagged = coverage.customers_total then 'tags_everyone'
                else 'ok'
            end as {{ dbt.type_string() }}
        ) as review_flag

    from coverage
    left join previous_coverage
        on coverage.tag_code = previous_coverage.tag_code

)

select * from final
