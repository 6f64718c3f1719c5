{#-
    The as-of spine of the segment history: the end of every period (var history_grain: month
    or week) from var history_start_date (default: the period of the first purchase) up to the
    current as-of date. A period that has not ended by the as-of date is not on the spine.
-#}

{%- set grain = var('history_grain') %}
{%- if grain not in ['month', 'week'] %}
    {{ exceptions.raise_compiler_error("var history_grain must be 'month' or 'week', got '" ~ grain ~ "'") }}
{%- endif %}
{%- for name in ['history_start_date', 'history_rebuild_from', 'history_rebuild_to'] %}
    {%- set value = var(name, none) %}
    {%- if value is not none and not modules.re.match('^\\d{4}-\\d{2}-\\d{2}$', value | string) %}
        {{ exceptions.raise_compiler_error("var " ~ name ~ " must be a date written YYYY-MM-DD, got '" ~ value ~ "'") }}
    {%- endif %}
{%- endfor %}

with

as_of_dates as (

    select as_of_date from {{ ref('int_as_of_date_resolved') }}

),

purchases as (

    select * from {{ ref('int_purchases_filtered') }}

),

{{ numbers_0_999_ctes() }},

period_numbers as (

    select number as period_number from numbers_0_999

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
