{#-
    The as-of spine of the segment history: the end of every period (var history_grain: month
    or week) from var history_start_date (default: the period of the first purchase) up to the
    current as-of date. A period that has not ended by the as-of date is not on the spine.
    No fixed cap: a spine longer than var history_max_periods stops the build, naming the date
    it starts from (macro assert_history_spine_within_limit); a shorter one is whole.
-#}

{#- var history_grain and the history date vars are checked with every var (validate_vars) -#}
{%- set grain = var('history_grain') %}

{{ assert_history_spine_within_limit(ref('int_purchases_filtered'), ref('int_as_of_date_resolved')) }}

with

as_of_dates as (

    select as_of_date from {{ ref('int_as_of_date_resolved') }}

),

purchases as (

    select * from {{ ref('int_purchases_filtered') }}

),

{{ numbers_below_ctes(var('history_max_periods', 1000)) }},

period_numbers as (

    select number as period_number from numbers_below

),

first_purchase as (

    select min(order_date) as first_purchase_date from purchases

),

spine_start as (

    select
        {%- if var('history_start_date', none) is not none %}
            {{ dbt.date_trunc(grain, "cast('" ~ var('history_start_date') ~ "' as date)") }} as first_period
        {%- else %}
            {{ dbt.date_trunc(grain, 'first_purchase_date') }} as first_period
        {%- endif %}
    from first_purchase

),

period_ends as (

    select
        cast(
            {{ dbt.dateadd(
                'day', '-1',
                dbt.dateadd(grain, 'period_numbers.period_number + 1', 'spine_start.first_period')
            ) }} as date
        ) as as_of_date
    from period_numbers
    cross join spine_start

),

final as (

    select period_ends.as_of_date
    from period_ends
    cross join as_of_dates
    where period_ends.as_of_date <= as_of_dates.as_of_date

)

select * from final
