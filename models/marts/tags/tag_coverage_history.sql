{{
    config(
        materialized='incremental',
        unique_key='computed_for_date',
        incremental_strategy=fact_incremental_strategy(),
        partition_by=date_key_partition_by('computed_for_date'),
        on_schema_change='append_new_columns',
    )
}}

{#-
    Tag coverage of every as-of date a build computed, kept across builds (incremental): per
    active catalogue tag, the customers of customer_tags with it, the customers of the customers
    mart and the share - every active tag, with zero when it tags no one. A build replaces the
    rows of its own as-of date and keeps the others, so tag_coverage can compare with the previous
    as-of date built and coverage can be charted over time. A --full-refresh starts the history
    again.
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
        -- keys
        cast(as_of_dates.as_of_date as date) as computed_for_date,
        cast(active_catalog.tag_code as {{ dbt.type_string() }}) as tag_code,
        cast(active_catalog.name_en as {{ dbt.type_string() }}) as tag_name_en,
        cast(active_catalog.name_zh as {{ dbt.type_string() }}) as tag_name_zh,

        -- coverage
        cast(coalesce(tagged.customers_tagged, 0) as {{ dbt.type_int() }}) as customers_tagged,
        cast(customer_count.customers_total as {{ dbt.type_int() }}) as customers_total,
        cast(
            case
                when customer_count.customers_total > 0
                    then
                        cast(coalesce(tagged.customers_tagged, 0) as {{ type_double() }})
                        / customer_count.customers_total
            end as {{ type_double() }}
        ) as share_of_customers

    from active_catalog
    cross join as_of_dates
    cross join customer_count
    left join tagged
        on active_catalog.tag_code = tagged.tag_code

)

select * from final
