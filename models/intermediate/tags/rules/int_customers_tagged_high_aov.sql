{#-
    high_aov (高客单价): among the customers with at least var tag_high_aov_min_purchases purchases
    in the habit window, an average order value strictly above the var tag_high_aov_percentile
    percentile (percentile_cont) of their average order values (in whole cents, rounded half up).
-#}

{%- set average_as_double = 'cast(average_order_value as ' ~ type_double() ~ ')' -%}

with

as_of_dates as (

    select as_of_date from {{ ref('int_as_of_date_resolved') }}

),

purchases as (

    select * from {{ ref('int_purchases_filtered') }}

),

purchases_in_window as (

    select
        purchases.customer_key,
        purchases.net_amount
    from purchases
    cross join as_of_dates
    where {{ days_before_as_of_between('purchases.order_date', 0, var('tag_habit_window_days')) }}

),

order_values as (

    select
        customer_key,
        count(*) as purchases_in_window,
        {{ divide_amount('sum(net_amount)', 'count(*)') }} as average_order_value
    from purchases_in_window
    group by customer_key
    having count(*) >= {{ var('tag_high_aov_min_purchases') }}

),

aov_cut as (

    select
        {{ percentile_cont(average_as_double, var('tag_high_aov_percentile')) }} as high_aov_cut
    from order_values

),

order_values_cut as (

    select
        order_values.customer_key,
        order_values.purchases_in_window,
        order_values.average_order_value,
        {{ round_to_cents('aov_cut.high_aov_cut') }} as high_aov_cut
    from order_values
    cross join aov_cut
    where order_values.average_order_value > aov_cut.high_aov_cut

),

final as (

    select
        cast(customer_key as {{ dbt.type_string() }}) as customer_key,
        cast('high_aov' as {{ dbt.type_string() }}) as tag_code,
        cast('high_aov' as {{ dbt.type_string() }}) as tag_rule,
        cast(
            {{ row_as_text(['average_order_value', 'purchases_in_window', 'high_aov_cut']) }}
            as {{ dbt.type_string() }}
        ) as evidence_value,
        cast(average_order_value as {{ type_double() }}) as evidence_number
    from order_values_cut

)

select * from final
