{#-
    Per active catalogue tag on the as-of date: customers tagged, customers in the customers mart
    and the share - every active tag, with zero when it tags no one. Read by tag_coverage (the tag
    review) and appended to tag_coverage_history on every build.
-#}

with

catalog as (

    select * from {{ ref('tag_catalog') }}

),

customer_tags as (

    select * from {{ ref('customer_tags') }}

),

customers as (

    select * from {{ ref('customers') }}

),

as_of_dates as (

    select as_of_date from {{ ref('int_as_of_date_resolved') }}

),

active_catalog as (

    select * from catalog
    where is_active

),

tagged as (

    select
        tag_code,
        count(distinct customer_key) as customers_tagged
    from customer_tags
    group by tag_code

),

customer_count as (

    select count(*) as customers_total from customers

),

final as (

    select
        as_of_dates.as_of_date as computed_for_date,
        active_catalog.tag_code,
        active_catalog.tag_group,
        active_catalog.name_en as tag_name_en,
        active_catalog.name_zh as tag_name_zh,
        active_catalog.owner as tag_owner,
        coalesce(tagged.customers_tagged, 0) as customers_tagged,
        customer_count.customers_total,
        case
            when customer_count.customers_total > 0
                then
                    cast(coalesce(tagged.customers_tagged, 0) as {{ type_double() }})
                    / customer_count.customers_total
        end as share_of_customers
    from active_catalog
    cross join as_of_dates
    cross join customer_count
    left join tagged
        on active_catalog.tag_code = tagged.tag_code

)

select * from final
