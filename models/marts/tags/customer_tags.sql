{#-
    One row per real customer and active tag on the as-of date (long format): the tag's group and
    names from tag_catalog, the evidence that decided it and the date it was computed for. Rows
    of inactive or uncatalogued tags and of customers outside the customers mart (test accounts,
    people who did not exist yet) are left out. customer_tags_wide pivots it to one boolean column
    per tag.
-#}

with

tags as (

    select * from {{ ref('int_customer_tags_unioned') }}

),

catalog as (

    select * from {{ ref('tag_catalog') }}

),

customers as (

    select * from {{ ref('customers') }}

),

label_names as (

    select * from {{ ref('label_names') }}

),

tag_groups as (

    select * from label_names
    where code_set = 'tag_group'

),

active_catalog as (

    select * from catalog
    where is_active

),

final as (

    select
        -- keys
        cast(tags.customer_key as {{ dbt.type_string() }}) as customer_key,
        cast(tags.tag_code as {{ dbt.type_string() }}) as tag_code,

        -- catalogue
        cast(active_catalog.tag_group as {{ dbt.type_string() }}) as tag_group,
        cast(tag_groups.name_en as {{ dbt.type_string() }}) as tag_group_name_en,
        cast(tag_groups.name_zh as {{ dbt.type_string() }}) as tag_group_name_zh,
        cast(active_catalog.name_en as {{ dbt.type_string() }}) as tag_name_en,
        cast(active_catalog.name_zh as {{ dbt.type_string() }}) as tag_name_zh,

        -- evidence
        cast(tags.evidence_value as {{ dbt.type_string() }}) as evidence_value,
        cast(tags.evidence_number as {{ type_double() }}) as evidence_number,

        -- dates
        cast(tags.computed_for_date as date) as computed_for_date

    from tags
    inner join active_catalog
        on
            tags.tag_code = active_catalog.tag_code
            and tags.tag_rule = active_catalog.rule
    inner join customers
        on tags.customer_key = customers.customer_key
    left join tag_groups
        on active_catalog.tag_group = tag_groups.code

)

select * from final
