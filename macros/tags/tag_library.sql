{#-
    Shared pieces of the tag rules (docs/tags.md): each rule is a model
    models/intermediate/tags/rules/int_customers_tagged_<rule>.sql, unioned by
    int_customer_tags_unioned; these macros are the small expressions several rules share, and
    the validation of the tag vars the union runs first.
-#}


{#- A data value as the suffix of a tag code: lower case, spaces as underscores
    (category 'Home Decor' -> top_category_home_decor). -#}
{% macro tag_code_suffix(column) -%}
    replace(lower(trim({{ column }})), ' ', '_')
{%- endmacro %}


{#- A UTC timestamp on the shopper's clock: var tag_clock_timezone (null: reporting_timezone). -#}
{% macro tag_clock_timestamp(column) -%}
    {{ return(adapter.dispatch('tag_clock_timestamp', 'customer_segments')(column)) }}
{%- endmacro %}

{% macro default__tag_clock_timestamp(column) -%}
    {%- set zone = var('tag_clock_timezone', none) or var('reporting_timezone') -%}
    (({{ column }}) at time zone 'UTC') at time zone '{{ zone }}'
{%- endmacro %}

{% macro duckdb__tag_clock_timestamp(column) -%}
    {%- set zone = var('tag_clock_timezone', none) or var('reporting_timezone') -%}
    timezone('{{ zone }}', timezone('UTC', {{ column }}))
{%- endmacro %}

{% macro spark__tag_clock_timestamp(column) -%}
    {%- set zone = var('tag_clock_timezone', none) or var('reporting_timezone') -%}
    from_utc_timestamp({{ column }}, '{{ zone }}')
{%- endmacro %}


{#- A floating-point value (a percentile cut point) as an amount in whole cents, rounded half
    up the same way on every engine (round(double, n) does not exist on Postgres). -#}
{% macro round_to_cents(column) -%}
    cast(floor(({{ column }}) * 100 + 0.5) / 100 as {{ amount_type() }})
{%- endmacro %}


{#- Day of the week of a date, 0 = Monday .. 6 = Sunday, counted from Monday 1900-01-01 so
    it does not depend on an engine's week convention. -#}
{% macro weekday_index(column) -%}
    mod({{ dbt.datediff("cast('1900-01-01' as date)", column, 'day') }}, 7)
{%- endmacro %}


{#- Stops the build with a message naming the var when a tag var makes no sense. Called by
    int_customer_tags_unioned, which every tag mart reads. -#}
{% macro validate_tag_vars() %}
    {%- set errors = [] -%}
    {%- set day_vars = [
        'tag_no_purchase_days', 'tag_no_login_days', 'tag_monthly_active_window_days',
        'tag_frequent_buyer_window_days', 'tag_cart_abandon_days', 'tag_cart_abandon_lookback_days',
        'tag_habit_window_days', 'tag_community_window_days', 'tag_nps_window_days',
        'tag_support_window_days', 'tag_new_signup_days', 'tag_old_customer_days',
        'tag_winback_min_days', 'tag_winback_max_days', 'tag_platform_window_days',
    ] -%}
    {%- set count_vars = [
        'tag_monthly_active_min_days', 'tag_frequent_buyer_min_purchases', 'tag_habit_min_purchases',
        'tag_high_aov_min_purchases', 'tag_refund_prone_min_refunds', 'tag_referrer_min_buyers',
        'tag_community_active_min_events', 'tag_support_heavy_min_tickets', 'tag_winback_min_purchases',
        'tag_platform_min_events',
    ] -%}
    {%- set share_vars = [
        'tag_discount_seeker_share', 'tag_night_owl_min_share', 'tag_weekend_shopper_min_share',
        'tag_big_order_percentile', 'tag_high_aov_percentile', 'tag_refund_prone_min_share',
        'tag_preferred_min_share',
    ] -%}
    {%- set list_vars = ['tag_login_event_types', 'tag_vip_member_levels', 'tag_community_event_types'] -%}
    {%- for name in day_vars -%}
        {%- set value = var(name) -%}
        {%- if value is not number or value | int != value or value < 1 -%}
            {%- do errors.append("var " ~ name ~ " must be a whole number of days >= 1, got " ~ value) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- for name in count_vars -%}
        {%- set value = var(name) -%}
        {%- if value is not number or value | int != value or value < 1 -%}
            {%- do errors.append("var " ~ name ~ " must be a whole number >= 1, got " ~ value) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- for name in share_vars -%}
        {%- set value = var(name) -%}
        {%- if value is not number or value < 0 or value > 1 -%}
            {%- do errors.append("var " ~ name ~ " must be a number between 0 and 1, got " ~ value) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- for name in list_vars -%}
        {%- set value = var(name) -%}
        {%- if value is string or value is not iterable or value | length == 0 -%}
            {%- do errors.append("var " ~ name ~ " must be a non-empty list, got " ~ value) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- for name in ['tag_night_start_hour', 'tag_night_end_hour'] -%}
        {%- set value = var(name) -%}
        {%- if value is not number or value | int != value or value < 0 or value > 23 -%}
            {%- do errors.append("var " ~ name ~ " must be a whole hour from 0 to 23, got " ~ value) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set night_start = var('tag_night_start_hour') -%}
    {%- set night_end = var('tag_night_end_hour') -%}
    {%- if night_start == night_end -%}
        {%- do errors.append("var tag_night_start_hour and var tag_night_end_hour must differ, both are "
            ~ night_start) -%}
    {%- endif -%}
    {%- set cart_days = var('tag_cart_abandon_days') -%}
    {%- set cart_lookback = var('tag_cart_abandon_lookback_days') -%}
    {%- if cart_days is number and cart_lookback is number and cart_lookback <= cart_days -%}
        {%- do errors.append("var tag_cart_abandon_lookback_days (" ~ cart_lookback
            ~ ") must be larger than var tag_cart_abandon_days (" ~ cart_days ~ ")") -%}
    {%- endif -%}
    {%- set winback_min = var('tag_winback_min_days') -%}
    {%- set winback_max = var('tag_winback_max_days') -%}
    {%- if winback_min is number and winback_max is number and winback_min > winback_max -%}
        {%- do errors.append("var tag_winback_min_days (" ~ winback_min
            ~ ") must not be larger than var tag_winback_max_days (" ~ winback_max ~ ")") -%}
    {%- endif -%}
    {%- set promoter_min = var('tag_nps_promoter_min_score') -%}
    {%- set detractor_max = var('tag_nps_detractor_max_score') -%}
    {%- if promoter_min is not number or detractor_max is not number or detractor_max >= promoter_min -%}
        {%- do errors.append("var tag_nps_detractor_max_score (" ~ detractor_max
            ~ ") must be a score below var tag_nps_promoter_min_score (" ~ promoter_min ~ ")") -%}
    {%- endif -%}
    {%- set view_weight = var('tag_category_view_weight') -%}
    {%- if view_weight is not number or view_weight < 0 -%}
        {%- do errors.append("var tag_category_view_weight must be a number >= 0, got " ~ view_weight) -%}
    {%- endif -%}
    {%- set min_score = var('tag_category_min_score') -%}
    {%- if min_score is not number or min_score <= 0 -%}
        {%- do errors.append("var tag_category_min_score must be a number > 0, got " ~ min_score) -%}
    {%- endif -%}
    {%- set zone = var('tag_clock_timezone', none) -%}
    {%- if zone is not none and not modules.re.match('^[A-Za-z_]+(/[A-Za-z0-9_+-]+)*$', zone | string) -%}
        {%- do errors.append("var tag_clock_timezone must be an IANA zone such as Asia/Shanghai, got '"
            ~ zone ~ "'") -%}
    {%- endif -%}
    {%- if errors -%}
        {{ exceptions.raise_compiler_error("Invalid tag vars:\n  - " ~ errors | join("\n  - ")) }}
    {%- endif -%}
{% endmacro %}


{#- Whether date_column (a date) lies from_days (inclusive) to to_days (exclusive) days before the
    as-of date: from_days <= datediff(day, date_column, as_of) < to_days. Written as the range
    (as_of - to_days, as_of - from_days] on the column itself, so an engine can skip the row
    groups the window excludes when it scans the fact (DuckDB pushes the range into the scan as a
    filter once it knows the as-of date), and the rows outside the window leave before any join
    or aggregate; a datediff computed per row reached the filter only after the join with the
    as-of date. as_of: a date column (the rules' as_of_dates.as_of_date). -#}
{% macro days_before_as_of_between(date_column, from_days, to_days, as_of='as_of_dates.as_of_date') -%}
    {{ date_column }} > cast({{ dbt.dateadd('day', -1 * (to_days | int), as_of) }} as date)
    and {{ date_column }} <= cast({{ dbt.dateadd('day', -1 * (from_days | int), as_of) }} as date)
{%- endmacro %}
