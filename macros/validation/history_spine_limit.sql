{#- CTEs digits and numbers_below: the integers 0 .. count - 1 (column number), portable (no
    generate_series): as many cross-joined digit tables as count - 1 has digits. -#}
{% macro numbers_below_ctes(count) -%}
    {%- set places = ((count | int) - 1) | string | length -%}
digits as (

    {% for digit in range(10) -%}
    select {{ digit }} as digit
    {% if not loop.last %}union all
    {% endif %}
    {%- endfor %}

),

numbers_below as (

    select
        {% for place in range(places) -%}
            place_{{ place }}.digit * {{ 10 ** place }}{{ ' +' if not loop.last else '' }}
        {% endfor -%} as number
    from digits as place_0
    {% for place in range(1, places) -%}
        cross join digits as place_{{ place }}
    {% endfor -%}
    where
        {% for place in range(places) -%}
            place_{{ place }}.digit * {{ 10 ** place }}{{ ' +' if not loop.last else '' }}
        {% endfor -%} < {{ count | int }}

)
{%- endmacro %}


{#- Stops the build when the history spine (int_as_of_dates_spined) would have more periods
    than var history_max_periods, naming the date it starts from: var history_start_date, or
    the first purchase (and its order), often a typo such as 2005 for 2025. There is no other
    cap: a spine within the limit is whole. -#}
{% macro assert_history_spine_within_limit(purchases_relation, as_of_relation) %}
    {%- if not data_checks_apply() -%}
        {{ return('') }}
    {%- endif -%}
    {%- set grain = var('history_grain') -%}
    {%- set limit = var('history_max_periods', 1000) | int -%}
    {%- set as_of_text = run_query('select cast(as_of_date as ' ~ dbt.type_string() ~ ') from '
        ~ as_of_relation).columns[0].values() | first -%}
    {%- if var('history_start_date', none) is not none -%}
        {%- set start_text = var('history_start_date') | string -%}
        {%- set cause = 'var history_start_date' -%}
    {%- else -%}
        {%- set first = run_query('select cast(order_date as ' ~ dbt.type_string() ~ '), order_id from '
            ~ purchases_relation ~ ' order by order_date, order_id limit 1').rows -%}
        {%- if first | length == 0 or as_of_text is none -%}
            {{ return('') }}
        {%- endif -%}
        {%- set start_text = first[0][0] -%}
        {%- set cause = 'the first purchase (order ' ~ first[0][1] ~ ')' -%}
    {%- endif -%}
    {%- set datetime = modules.datetime -%}
    {%- set start = datetime.datetime.strptime(start_text[:10], '%Y-%m-%d').date() -%}
    {%- set as_of = datetime.datetime.strptime(as_of_text[:10], '%Y-%m-%d').date() -%}
    {%- if grain == 'month' -%}
        {%- set is_month_end = (as_of + datetime.timedelta(days=1)).month != as_of.month -%}
        {%- set periods = (as_of.year - start.year) * 12 + as_of.month - start.month + (1 if is_month_end else 0) -%}
    {%- else -%}
        {%- set first_day = start - datetime.timedelta(days=start.weekday()) -%}
        {%- set periods = ((as_of - first_day).days + 1) // 7 -%}
    {%- endif -%}
    {%- if periods > limit -%}
        {{ exceptions.raise_compiler_error(
            "The history spine would have " ~ periods ~ " " ~ grain ~ " periods, more than var history_max_periods ("
            ~ limit ~ "): it runs from " ~ start_text[:10] ~ ", " ~ cause ~ ", to the as-of date " ~ as_of_text[:10]
            ~ ". If that date is a typo, fix or remove the row; otherwise set var history_start_date to a later date "
            ~ "or raise var history_max_periods.") }}
    {%- endif -%}
{% endmacro %}
