{{ config(materialized="table") }}

{#-
    The time spine MetricFlow joins metrics to (dbt's time_spine config, _semantic__models.yml): one
    row per day from var semantic_time_spine_start to var semantic_time_spine_end (at most
    100,000 days), built with the
    project's cross-database macros (numbers_0_999_ctes, dbt.dateadd), so it builds on DuckDB,
    PostgreSQL and Spark.
-#}

{%- set start_date = "cast('" ~ var('semantic_time_spine_start') ~ "' as date)" %}
{%- set end_date = "cast('" ~ var('semantic_time_spine_end') ~ "' as date)" %}

with

{{ numbers_0_999_ctes() }},

day_numbers as (

    select thousands.number * 1000 + units.number as day_number
    from numbers_0_999 as units
    cross join numbers_0_999 as thousands
    where thousands.number < 100

),

final as (

    select cast({{ dbt.dateadd('day', 'day_number', start_date) }} as date) as date_day
    from day_numbers
    where day_number <= {{ dbt.datediff(start_date, end_date, 'day') }}

)

select * from final
