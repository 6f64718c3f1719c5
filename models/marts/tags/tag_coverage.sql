{#-
    The tag review (标签复盘) as a table: per active catalogue tag, the customers it tags on the
    as-of date and their share (this build's rows of tag_coverage_history, which counts them), the
    change since the previous build's figures (those of the latest earlier as-of date in the
    history; null on a first build) and a review flag for tags that tag no one or everyone - a tag
    that separates nobody is either broken or not worth keeping.
-#}

with

history as (

    select * from {{ ref('tag_coverage_history') }}

),

catalog as (

    select * from {{ ref('tag_catalog') }}

),

as_of_dates as (

    select as_of_date from {{ ref('int_as_of_date_resolved') }}

),

label_names as (

    select * from {{ ref('label_names') }}

),

tag_groups as (

    select * from label_names
    where code_set = 'tag_group'

),

review_flags as (

    select * from label_names
    where code_set = 'tag_review_flag'

),

active_catalog as (

    select * from catalog
    where is_active

),

coverage as (

    -- this build's figures: the history's rows of the as-of date
    select history.*
    from history
    inner join as_of_dates
        on history.computed_for_date = as_of_dates.as_of_date

),

previous_dates as (

    select max(history.computed_for_date) as previous_computed_for_date
    from history
    inner join as_of_dates
        on history.computed_for_date < as_of_dates.as_of_date

),

previous_coverage as (

    select history.*
    from history
    inner join previous_dates
        on history.computed_for_date = previous_dates.previous_computed_for_date

),

coded as (

    select
        -- keys
        cast(coverage.tag_code as {{ dbt.type_string() }}) as tag_code,
        cast(coverage.computed_for_date as date) as computed_for_date,

        -- catalogue
        cast(active_catalog.tag_group as {{ dbt.type_string() }}) as tag_group,
        cast(tag_groups.name_en as {{ dbt.type_string() }}) as tag_group_name_en,
        cast(tag_groups.name_zh as {{ dbt.type_string() }}) as tag_group_name_zh,
        cast(active_catalog.name_en as {{ dbt.type_string() }}) as tag_name_en,
        cast(active_catalog.name_zh as {{ dbt.type_string() }}) as tag_name_zh,
        cast(active_catalog.owner as {{ dbt.type_string() }}) as tag_owner,

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
    inner join active_catalog
        on coverage.tag_code = active_catalog.tag_code
    left join previous_coverage
        on coverage.tag_code = previous_coverage.tag_code
    left join tag_groups
        on active_catalog.tag_group = tag_groups.code

),

final as (

    select
        coded.*,
        cast(review_flags.name_en as {{ dbt.type_string() }}) as review_flag_name_en,
        cast(review_flags.name_zh as {{ dbt.type_string() }}) as review_flag_name_zh
    from coded
    left join review_flags
        on coded.review_flag = review_flags.code

)

select * from final
