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
    Tag coverage of every as-of date a build computed, kept across builds (incremental): a build
    replaces the rows of its own as-of date and keeps the others, so tag_coverage can compare with
    the previous as-of date built and coverage can be charted over time. A --full-refresh starts
    the history again.
-#}

with

coverage as (

    select * from {{ ref('int_tag_coverage_counted') }}

),

final as (

    select
        -- keys
        cast(coverage.computed_for_date as date) as computed_for_date,
        cast(coverage.tag_code as {{ dbt.type_string() }}) as tag_code,

        -- coverage
        cast(coverage.customers_tagged as {{ dbt.type_int() }}) as customers_tagged,
        cast(coverage.customers_total as {{ dbt.type_int() }}) as customers_total,
        cast(coverage.share_of_customers as {{ type_double() }}) as share_of_customers

    from coverage

)

select * from final
