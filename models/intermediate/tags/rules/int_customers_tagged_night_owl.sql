{#-
    night_owl (夜猫子): at least var tag_night_owl_min_share of the customer's purchases in the
    habit window were placed at night on the shopper's clock (var tag_clock_timezone): from
    var tag_night_start_hour:00 up to, not including, var tag_night_end_hour:00, wrapping past
    midnight (22:00:00 and 01:59:59 are night, 21:59:59 and 02:00:00 are not). Needs at least
    var tag_habit_min_purchases purchases.
-#}

{%- set start_hour = var('tag_night_start_hour') -%}
{%- set end_hour = var('tag_night_end_hour') -%}

with

as_of_dates as (

    select as_of_date from {{ ref('int_as_of_date_resolved') }}

),

purchases as (

    select * from {{ ref('int_purchases_filtered') }}

),

purchases_on_clock as (

    select
        purchases.customer_key,
        extract(hour from {{ tag_clock_timestamp('purchases.ordered_at') }}) as clock_hour
    from purchases
    cross join as_of_dates
    where {{ days_before_as_of_between('purchases.order_date', 0, var('tag_habit_window_days')) }}

),

purchases_classified as (

    select
        customer_key,
        {%- if start_hour > end_hour %}
            -- the night wraps past midnight
            clock_hour >= {{ start_hour }} or clock_hour < {{ end_hour }} as is_night
        {%- else %}
            clock_hour >= {{ start_hour }} and clock_hour < {{ end_hour }} as is_night
        {%- endif %}
    from purchases_on_clock

),

night_counts as (

    select
        customer_key,
        count(*) as purchases_in_window,
        sum(case when is_night then 1 else 0 end) as night_purchases
    from purchases_classified
    group by customer_key

),

final as (

    select
        cast(customer_key as {{ dbt.type_string() }}) as customer_key,
        cast('night_owl' as {{ dbt.type_string() }}) as tag_code,
        cast('night_owl' as {{ dbt.type_string() }}) as tag_rule,
        cast(
            {{ row_as_text(['night_purchases', 'purchases_in_window']) }}
            as {{ dbt.type_string() }}
        ) as evidence_value,
        cast(
            round(night_purchases * 1.0 / purchases_in_window, 4)
            as {{ type_double() }}
        ) as evidence_number
    from night_counts
    where
        purchases_in_window >= {{ var('tag_habit_min_purchases') }}
        and night_purchases >= {{ var('tag_night_owl_min_share') }} * purchases_in_window

)

select * from final
