{#-
    Guardrails on the vars and on what the data makes of them (docs/validation.md). Every check
    stops the build with a message naming the var (or the table), the value and what is allowed.

    validate_vars() is the project's on-run-start hook: dbt renders it when it parses the project
    (every command: parse, compile, build, run-operation, source freshness ...), where the checks
    that need no database run; and again when a build, run, seed, test or compile starts, where
    the time zones are also checked against the engine's own list. The checks that need the
    built data run in the model that first has it: the reporting currency against the
    exchange_rates seed (int_orders_attributed), empty required raw tables and the as-of date
    against the data (int_as_of_date_resolved), the length of the history spine
    (int_as_of_dates_spined).
-#}


{#- A value as the messages show it: text quoted, anything else as written. -#}
{% macro shown_value(value) -%}
    {%- if value is string -%}'{{ value }}'{%- else -%}{{ value }}{%- endif -%}
{%- endmacro %}


{#- True when value is a real calendar date written YYYY-MM-DD (a YAML date counts too). -#}
{% macro is_real_date(value) -%}
    {%- set match = modules.re.match('^(\\d{4})-(\\d{2})-(\\d{2})$', value | string) -%}
    {%- if not match -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set year = match.group(1) | int -%}
    {%- set month = match.group(2) | int -%}
    {%- set day = match.group(3) | int -%}
    {%- set leap = (year % 4 == 0 and year % 100 != 0) or year % 400 == 0 -%}
    {%- set month_days = [31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] -%}
    {{ return(year >= 1 and 1 <= month <= 12 and 1 <= day <= month_days[month - 1]) }}
{%- endmacro %}


{#- True when value is a real timestamp: a real date, then optionally ' ' or 'T' and HH:MM or
    HH:MM:SS with optional fraction (UTC, no offset). -#}
{% macro is_real_timestamp(value) -%}
    {%- set match = modules.re.match(
        '^(\\d{4}-\\d{2}-\\d{2})(?:[ T](\\d{2}):(\\d{2})(?::(\\d{2})(?:\\.\\d{1,9})?)?)?$', value | string) -%}
    {%- if not match or not is_real_date(match.group(1)) -%}
        {{ return(false) }}
    {%- endif -%}
    {{ return(match.group(2) is none or ((match.group(2) | int) <= 23 and (match.group(3) | int) <= 59
        and (match.group(4) or '0') | int <= 59)) }}
{%- endmacro %}


{#- True when value is a whole number (not a boolean, not text) from minimum to maximum
    (maximum none: no upper bound). -#}
{% macro is_whole_number_between(value, minimum, maximum=none) -%}
    {{ return(value is number and value is not boolean and value | int == value and value >= minimum
        and (maximum is none or value <= maximum)) }}
{%- endmacro %}


{#- True when value is a list (not text, not a mapping) of at least one text. -#}
{% macro is_list_of_text(value) -%}
    {%- if value is string or value is mapping or value is not iterable or value | length == 0 -%}
        {{ return(false) }}
    {%- endif -%}
    {%- for item in value -%}
        {%- if item is not string or item | trim == '' -%}
            {{ return(false) }}
        {%- endif -%}
    {%- endfor -%}
    {{ return(true) }}
{%- endmacro %}


{#- The error messages (a list, empty when all is well) of every var of dbt_project.yml that is
    checked neither by validate_segmentation_vars nor by validate_tag_vars, and the calendar
    checks of the date vars those check only in form. Needs no database. -#}
{% macro project_var_errors() %}
    {%- set errors = [] -%}

    {#- where raw data comes from -#}
    {%- set raw_path = var('raw_path', none) -%}
    {%- if raw_path is not none and (raw_path is not string or raw_path | trim == '') -%}
        {%- do errors.append("var raw_path must be null or a folder, got " ~ shown_value(raw_path)) -%}
    {%- endif -%}
    {%- set raw_format = var('raw_format', 'parquet') -%}
    {%- if raw_format is not string or raw_format | lower not in ['parquet', 'csv'] -%}
        {%- do errors.append("var raw_format must be 'parquet' or 'csv', got " ~ shown_value(raw_format)) -%}
    {%- endif -%}
    {%- for name in ['raw_database', 'raw_schema'] -%}
        {%- set value = var(name, none) -%}
        {%- if value is not none and (value is not string or value | trim == '') -%}
            {%- do errors.append("var " ~ name ~ " must be null or a name, got " ~ shown_value(value)) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set raw_schemas = var('raw_schemas', {}) or {} -%}
    {%- if raw_schemas is not mapping -%}
        {%- do errors.append("var raw_schemas must be a mapping of source name to schema, got "
            ~ shown_value(raw_schemas)) -%}
    {%- else -%}
        {%- for source_name in raw_schemas -%}
            {%- if source_name not in ['crm', 'shop', 'app', 'marketing'] -%}
                {%- do errors.append("var raw_schemas names source '" ~ source_name
                    ~ "', which does not exist (sources: crm, shop, app, marketing)") -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {%- set prefix = var('raw_table_prefix', 'raw_') -%}
    {%- if prefix is not none and (prefix is not string
        or not modules.re.match('^[A-Za-z0-9_]*$', prefix)) -%}
        {%- do errors.append("var raw_table_prefix must be letters, digits and underscores (or empty), got "
            ~ shown_value(prefix)) -%}
    {%- endif -%}
    {%- set extracted_at = var('raw_extracted_at', none) -%}
    {%- if extracted_at is not none and not is_real_timestamp(extracted_at) -%}
        {%- do errors.append("var raw_extracted_at must be null or a real UTC timestamp written "
            ~ "YYYY-MM-DD HH:MM:SS, got " ~ shown_value(extracted_at)) -%}
    {%- endif -%}

    {#- time and money (the engine's zone list and the rates seed are checked later) -#}
    {%- for name in ['reporting_timezone', 'tag_clock_timezone'] -%}
        {%- set zone = var(name, none) -%}
        {%- if (zone is none and name == 'reporting_timezone') or (zone is not none
            and (zone is not string or not modules.re.match('^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*$', zone))) -%}
            {%- do errors.append("var " ~ name ~ " must be an IANA time zone such as UTC or Asia/Shanghai, got "
                ~ shown_value(zone)) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set currency = var('reporting_currency', none) -%}
    {%- if currency is not string or not modules.re.match('^[A-Za-z]{3}$', currency | trim) -%}
        {%- do errors.append("var reporting_currency must be a three-letter ISO 4217 code such as CNY or USD, got "
            ~ shown_value(currency)) -%}
    {%- endif -%}

    {#- staging rules -#}
    {%- set statuses = var('order_statuses') -%}
    {%- for name in ['order_statuses', 'campaign_variants'] -%}
        {%- if not is_list_of_text(var(name)) -%}
            {%- do errors.append("var " ~ name ~ " must be a non-empty list of names, got "
                ~ shown_value(var(name))) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set aliases = var('order_status_aliases') or {} -%}
    {%- if aliases is not mapping -%}
        {%- do errors.append("var order_status_aliases must be a mapping of spelling to status, got "
            ~ shown_value(aliases)) -%}
    {%- elif is_list_of_text(statuses) -%}
        {%- for spelling, status in aliases.items() -%}
            {%- if status not in statuses -%}
                {%- do errors.append("var order_status_aliases maps '" ~ spelling ~ "' to " ~ shown_value(status)
                    ~ ", which is not in var order_statuses " ~ statuses) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {%- set genders = var('gender_aliases') -%}
    {%- if genders is not mapping or genders | length == 0 -%}
        {%- do errors.append("var gender_aliases must be a mapping with keys male and female, got "
            ~ shown_value(genders)) -%}
    {%- else -%}
        {%- for gender, spellings in genders.items() -%}
            {%- if gender not in ['male', 'female'] or not is_list_of_text(spellings) -%}
                {%- do errors.append("var gender_aliases must map male and female to lists of spellings, got "
                    ~ gender ~ ": " ~ shown_value(spellings)) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {%- if not is_real_date(var('min_birth_date')) -%}
        {%- do errors.append("var min_birth_date must be a real date written YYYY-MM-DD, got "
            ~ shown_value(var('min_birth_date'))) -%}
    {%- endif -%}
    {%- set country_code = var('phone_country_code') -%}
    {%- if not modules.re.match('^[0-9]{1,4}$', country_code | string) or country_code is boolean -%}
        {%- do errors.append("var phone_country_code must be 1 to 4 digits (a calling code such as 86), got "
            ~ shown_value(country_code)) -%}
    {%- endif -%}
    {%- if not is_whole_number_between(var('phone_national_length'), 4, 15) -%}
        {%- do errors.append("var phone_national_length must be a whole number from 4 to 15, got "
            ~ shown_value(var('phone_national_length'))) -%}
    {%- endif -%}
    {%- if not is_whole_number_between(var('identity_resolution_passes'), 1, 50) -%}
        {%- do errors.append("var identity_resolution_passes must be a whole number from 1 to 50, got "
            ~ shown_value(var('identity_resolution_passes'))) -%}
    {%- endif -%}

    {#- dates: real calendar dates (the segmentation and history checks test the form only) -#}
    {%- for name in ['as_of_date', 'history_start_date', 'history_rebuild_from', 'history_rebuild_to',
        'earliest_valid_date'] -%}
        {%- set value = var(name, none) -%}
        {%- if value is not none and not is_real_date(value) -%}
            {%- do errors.append("var " ~ name ~ " must be null or a real date written YYYY-MM-DD, got "
                ~ shown_value(value)) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set rebuild_from = var('history_rebuild_from', none) -%}
    {%- set rebuild_to = var('history_rebuild_to', none) -%}
    {%- if rebuild_from is not none and rebuild_to is not none and is_real_date(rebuild_from)
        and is_real_date(rebuild_to) and rebuild_from | string > rebuild_to | string -%}
        {%- do errors.append("var history_rebuild_from (" ~ rebuild_from ~ ") must not be after var history_rebuild_to ("
            ~ rebuild_to ~ ")") -%}
    {%- endif -%}
    {%- set allow_outside = var('allow_as_of_date_outside_data', false) -%}
    {%- if allow_outside is not boolean -%}
        {%- do errors.append("var allow_as_of_date_outside_data must be true or false, got "
            ~ shown_value(allow_outside)) -%}
    {%- endif -%}

    {#- history and incremental builds -#}
    {%- if var('history_grain') not in ['month', 'week'] -%}
        {%- do errors.append("var history_grain must be 'month' or 'week', got " ~ shown_value(var('history_grain'))) -%}
    {%- endif -%}
    {%- if not is_whole_number_between(var('history_max_periods', 1000), 1, 100000) -%}
        {%- do errors.append("var history_max_periods must be a whole number from 1 to 100000, got "
            ~ shown_value(var('history_max_periods', 1000))) -%}
    {%- endif -%}
    {%- if not is_whole_number_between(var('fact_lookback_days'), 0, 3650) -%}
        {%- do errors.append("var fact_lookback_days must be a whole number of days from 0 to 3650, got "
            ~ shown_value(var('fact_lookback_days'))) -%}
    {%- endif -%}
    {%- set recent_days = var('data_test_recent_days', none) -%}
    {%- if recent_days is not none and not is_whole_number_between(recent_days, 0) -%}
        {%- do errors.append("var data_test_recent_days must be a whole number of days (0 or more) or null, got "
            ~ shown_value(recent_days)) -%}
    {%- endif -%}
    {%- for name in ['source_freshness_warn_after_hours', 'source_freshness_error_after_hours'] -%}
        {%- set hours = var(name, none) -%}
        {%- if hours is not none and not is_whole_number_between(hours, 1, 87600) -%}
            {%- do errors.append("var " ~ name ~ " must be null or a whole number of hours from 1 to 87600, got "
                ~ shown_value(hours)) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set warn_hours = var('source_freshness_warn_after_hours', none) -%}
    {%- set error_hours = var('source_freshness_error_after_hours', none) -%}
    {%- if warn_hours is number and error_hours is number and warn_hours >= error_hours -%}
        {%- do errors.append("var source_freshness_warn_after_hours (" ~ warn_hours
            ~ ") must be smaller than var source_freshness_error_after_hours (" ~ error_hours ~ ")") -%}
    {%- endif -%}
    {#- plausibility maxima (before any decimal arithmetic: max x the largest rate stays below 10^16) -#}
    {%- for name in ['max_order_amount', 'max_line_amount'] -%}
        {%- set amount = var(name) -%}
        {%- if amount is boolean or amount is not number or amount <= 0 or amount > 1000000000000 -%}
            {%- do errors.append("var " ~ name ~ " must be a number above 0 and at most 1000000000000, got "
                ~ shown_value(amount)) -%}
        {%- endif -%}
    {%- endfor -%}

    {#- grants: lists of role names (empty: no grant) -#}
    {%- for name in ['pii_restricted_roles', 'mart_reader_roles'] -%}
        {%- set roles = var(name, []) -%}
        {%- if roles is string or roles is mapping or roles is not iterable -%}
            {%- do errors.append("var " ~ name ~ " must be a list of role names (or []), got " ~ shown_value(roles)) -%}
        {%- else -%}
            {%- for role in roles if role is not string or not modules.re.match('^[A-Za-z_][A-Za-z0-9_]*$', role) -%}
                {#- one message per var, however many of its roles are bad -#}
                {%- if loop.first -%}{%- do errors.append("var " ~ name ~ " must be a list of role names (letters, digits, underscores), got "
                    ~ shown_value(roles)) -%}{%- endif -%}
            {%- endfor -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(errors) }}
{% endmacro %}


{#- The on-run-start hook: every var checked (see the top of this file); the segmentation and
    tag vars by their own macros, which their models also call. -#}
{% macro validate_vars() %}
    {%- set errors = project_var_errors() -%}
    {%- if execute and not errors -%}
        {%- set errors = timezone_var_errors() -%}
    {%- endif -%}
    {%- if errors -%}
        {{ exceptions.raise_compiler_error("Invalid vars:\n  - " ~ errors | join("\n  - ")) }}
    {%- endif -%}
    {{ validate_segmentation_vars() }}
    {{ validate_tag_vars() }}
{% endmacro %}


{#- The time-zone vars against the engine's list of zone names (needs a connection). -#}
{% macro timezone_var_errors() %}
    {%- set errors = [] -%}
    {%- set names = timezone_names() -%}
    {%- for name in ['reporting_timezone', 'tag_clock_timezone'] -%}
        {%- set zone = var(name, none) -%}
        {%- if zone is not none and zone not in names -%}
            {%- set hint = [] -%}
            {%- for known in names if known | lower == zone | string | lower -%}
                {%- do hint.append(" (did you mean '" ~ known ~ "'?)") -%}
            {%- endfor -%}
            {%- do errors.append("var " ~ name ~ " must be a time zone " ~ target.type ~ " knows (an IANA name such as "
                ~ "UTC or Asia/Shanghai), got " ~ shown_value(zone) ~ (hint | first or '')) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(errors) }}
{% endmacro %}


{#- The time-zone names the engine accepts (a list of text). -#}
{% macro timezone_names() -%}
    {{ return(adapter.dispatch('timezone_names', 'customer_segments')()) }}
{%- endmacro %}

{#- Engines without a queryable list (Spark: Java's zone ids, which follow the IANA database):
    the IANA names of the tz database dbt ships (pytz). -#}
{% macro default__timezone_names() -%}
    {{ return(modules.pytz.all_timezones) }}
{%- endmacro %}

{% macro duckdb__timezone_names() -%}
    {{ return(run_query('select name from pg_timezone_names()').columns[0].values() | list) }}
{%- endmacro %}

{% macro postgres__timezone_names() -%}
    {{ return(run_query('select name from pg_timezone_names').columns[0].values() | list) }}
{%- endmacro %}


{#- var reporting_currency as the data writes currencies: trimmed, upper case (usd is USD). -#}
{% macro reporting_currency() -%}
    {{ return(var('reporting_currency') | string | trim | upper) }}
{%- endmacro %}


{#- Stops the build when the exchange_rates seed has no rate into var reporting_currency while
    some order is in another currency: every such order would be quarantined and the marts would
    show no buyers. Runs in the model that converts the amounts, once the seed is loaded. -#}
{% macro assert_reporting_currency_has_rates(rates_relation, orders_relation) %}
    {%- if not data_checks_apply() -%}
        {{ return('') }}
    {%- endif -%}
    {%- set quotes = run_query('select distinct quote_currency from ' ~ rates_relation
        ~ ' order by quote_currency').columns[0].values() | list -%}
    {%- if reporting_currency() in quotes -%}
        {{ return('') }}
    {%- endif -%}
    {%- set foreign = run_query('select currency_code from ' ~ orders_relation ~ " where currency_code <> '"
        ~ reporting_currency() ~ "' limit 1").columns[0].values() | list -%}
    {%- if foreign -%}
        {{ exceptions.raise_compiler_error(
            "var reporting_currency " ~ shown_value(var('reporting_currency')) ~ " has no rates in the exchange_rates "
            ~ "seed (seeds/lookups/exchange_rates.csv), and orders in " ~ foreign[0] ~ " would need one: allowed are "
            ~ "its quote currencies " ~ quotes | join(', ') ~ " (any case); add the rates into "
            ~ reporting_currency() ~ " or choose one of those.") }}
    {%- endif -%}
{% endmacro %}


{#- True when the checks on built data should run: a model (not a unit test, whose refs are
    fixtures) being built by dbt build or dbt run (not compiled, linted or parsed). -#}
{% macro data_checks_apply() -%}
    {{ return(execute and flags.WHICH in ['build', 'run'] and model.resource_type == 'model') }}
{%- endmacro %}


{#- Stops the build naming each required raw table that has no row (an empty orders file made every
    customer a prospect, green). tables: a mapping of '<source>.<table>' to the staging view of its
    raw rows as delivered (base_<source>__<table>_as_delivered, read where staging reads the table:
    the source, or its file under var raw_path); one row at most is read of each. -#}
{% macro assert_required_raw_tables_not_empty(tables) %}
    {%- if not data_checks_apply() -%}
        {{ return('') }}
    {%- endif -%}
    {%- set empty = [] -%}
    {%- for name, relation in tables.items() -%}
        {%- set found = run_query('select 1 as found from ' ~ relation ~ ' limit 1') -%}
        {%- if found.rows | length == 0 -%}
            {%- set table_name = name.split('.')[1] -%}
            {%- if var('raw_path', none) -%}
                {%- do empty.append(name ~ ' (file ' ~ var('raw_path') ~ '/' ~ table_name ~ '.'
                    ~ var('raw_format', 'parquet') | lower ~ ')') -%}
            {%- else -%}
                {%- do empty.append(name ~ ' (table ' ~ (var('raw_table_prefix', 'raw_') or '') ~ table_name ~ ')') -%}
            {%- endif -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if empty -%}
        {{ exceptions.raise_compiler_error(
            "Required raw table is empty: " ~ empty | join(', ') ~ ". The marts would be built without it (an empty "
            ~ "orders table makes every customer a prospect); load its rows. Required: " ~ tables.keys() | join(', ')
            ~ "; optional (may be empty): app.events, crm.nps_responses, marketing.campaigns, "
            ~ "marketing.campaign_assignments.") }}
    {%- endif -%}
{% endmacro %}


{#- Stops the build when the as-of date does not describe the data:
    - var as_of_date before the first valid order or event, or after the newest load (the later of
      the last activity and the newest _loaded_at), unless var allow_as_of_date_outside_data;
    - the as-of date resolved from the data (the last activity) after the newest _loaded_at of
      the orders and events: rows dated after every load (a row without _loaded_at) would move it
      and churn almost everyone. Skipped when no order or event has a _loaded_at.
    Dates are local dates (var reporting_timezone), as the as-of date is. -#}
{% macro assert_as_of_date_within_data(orders_relation, events_relation) %}
    {%- if not data_checks_apply() -%}
        {{ return('') }}
    {%- endif -%}
    {%- set query -%}
        with activity as (
            select order_date as activity_date, {{ local_date('loaded_at') }} as loaded_date
            from {{ orders_relation }} where not is_test_account
            union all
            select event_date as activity_date, {{ local_date('loaded_at') }} as loaded_date
            from {{ events_relation }} where not is_test_account
        )
        select
            cast(min(activity_date) as {{ dbt.type_string() }}) as first_activity,
            cast(max(activity_date) as {{ dbt.type_string() }}) as last_activity,
            cast(max(loaded_date) as {{ dbt.type_string() }}) as newest_load
        from activity
    {%- endset -%}
    {%- set row = run_query(query).rows[0] -%}
    {%- set first_activity, last_activity, newest_load = row[0], row[1], row[2] -%}
    {%- if first_activity is none -%}
        {{ return('') }}
    {%- endif -%}
    {%- set as_of = var('as_of_date', none) -%}
    {%- if as_of is not none -%}
        {%- set as_of = as_of | string -%}
        {%- set data_end = [last_activity, newest_load or last_activity] | max -%}
        {%- if (as_of < first_activity or as_of > data_end) and not var('allow_as_of_date_outside_data', false) -%}
            {{ exceptions.raise_compiler_error(
                "var as_of_date '" ~ as_of ~ "' lies outside the data, which runs from " ~ first_activity
                ~ " (the first valid order or event) to " ~ data_end ~ " (the newest load): "
                ~ ("every customer would be churned" if as_of > data_end else "the marts would be empty") ~ ". Allowed: a date from " ~ first_activity ~ " to "
                ~ data_end ~ ", or set var allow_as_of_date_outside_data: true to build it anyway.") }}
        {%- endif -%}
    {%- elif newest_load is not none and last_activity > newest_load -%}
        {%- set late_query -%}
            with late as (
                select 'order ' || order_id as row_name, order_date as activity_date from {{ orders_relation }}
                where not is_test_account and order_date > cast('{{ newest_load }}' as date)
                union all
                select 'event ' || event_id as row_name, event_date as activity_date from {{ events_relation }}
                where not is_test_account and event_date > cast('{{ newest_load }}' as date)
            )
            select row_name || ' (' || cast(activity_date as {{ dbt.type_string() }}) || ')' as late_row
            from late
            order by activity_date desc, row_name
            limit 3
        {%- endset -%}
        {%- set late_rows = run_query(late_query).columns[0].values() | list -%}
        {{ exceptions.raise_compiler_error(
            "The as-of date resolved from the data, " ~ last_activity ~ ", is after the newest load (" ~ newest_load
            ~ ", the newest _loaded_at of the orders and events): rows dated after every load would move it; "
            ~ "newest first: " ~ late_rows | join(', ') ~ ". Rows without _loaded_at are not judged as future: "
            ~ "fix or remove them (or give them a _loaded_at), or set var as_of_date.") }}
    {%- endif -%}
{% endmacro %}
