{#- The lifecycle stage of every customer who exists on the as-of date (signed up, or
    purchased, on or before it); macro lifecycle_stage_ctes holds the rules. -#}

with

customers as (

    select * from {{ ref('int_customers_merged') }}

),

as_of_dates as (

    select as_of_date from {{ ref('int_as_of_date_resolved') }}

),

metrics as (

    select * from {{ ref('int_customer_purchases_aggregated') }}

),

{{ existing_customers_ctes('customers', 'as_of_dates', 'metrics') }},

{{ lifecycle_stage_ctes('existing_customers', 'metrics') }},

final as (

    select * from lifecycle_staged

)

select * from final
