{#- Normalisers shared by the staging models. Each is documented in _staging__macros.yml beside it. -#}

{#- Text: trimmed, empty string as null. -#}
{% macro clean_text(column) -%}
    nullif(trim(cast({{ column }} as {{ dbt.type_string() }})), '')
{%- endmacro %}


{#- Email: lower case, every space removed; null when empty or not shaped like a@b.c. -#}
{% macro normalize_email(column) -%}
    case
        when lower(replace({{ clean_text(column) }}, ' ', '')) like '%_@_%._%'
            then lower(replace({{ clean_text(column) }}, ' ', ''))
    end
{%- endmacro %}


{#- Phone: digits only, international prefix (00 / +) and var phone_country_code removed;
    null unless exactly var phone_national_length digits remain. -#}
{% macro normalize_phone(column) -%}
    {%- set country_code = var('phone_country_code') | string -%}
    {%- set national_length = var('phone_national_length') | int -%}
    {%- set digits = digits_only(clean_text(column)) -%}
    {%- set no_intl = "case when " ~ digits ~ " like '00%' then substring(" ~ digits ~ ", 3) else "
        ~ digits ~ " end" -%}
    case
        when length({{ no_intl }}) = {{ national_length }}
            then {{ no_intl }}
        when length({{ no_intl }}) = {{ national_length + country_code | length }}
            and {{ no_intl }} like '{{ country_code }}%'
            then substring({{ no_intl }}, {{ country_code | length + 1 }})
    end
{%- endmacro %}


{#- Gender: male / female from the spellings in var gender_aliases, otherwise unknown. -#}
{% macro normalize_gender(column) -%}
    {%- set aliases = var('gender_aliases') -%}
    case
        {%- for gender in ['male', 'female'] %}
        when lower({{ clean_text(column) }}) in (
            {%- for spelling in aliases[gender] -%}
                '{{ spelling | lower }}'{{ ", " if not loop.last }}
            {%- endfor -%}
        ) then '{{ gender }}'
        {%- endfor %}
        else 'unknown'
    end
{%- endmacro %}


{#- Order status: lower-cased and trimmed, aliases from var order_status_aliases applied;
    null when the result is not one of var order_statuses (the row is then quarantined). -#}
{% macro normalize_order_status(column) -%}
    {%- set statuses = var('order_statuses') -%}
    {%- set aliases = var('order_status_aliases') -%}
    {%- set spelled = "lower(" ~ clean_text(column) ~ ")" -%}
    case
        {%- for alias in aliases | sort %}
        when {{ spelled }} = '{{ alias }}' then '{{ aliases[alias] }}'
        {%- endfor %}
        when {{ spelled }} in (
            {%- for status in statuses -%}'{{ status }}'{{ ", " if not loop.last }}{%- endfor -%}
        ) then {{ spelled }}
    end
{%- endmacro %}


{#- A value constrained to a list of codes (lower-cased), null when outside it. -#}
{% macro normalize_code(column, accepted) -%}
    case
        when lower({{ clean_text(column) }}) in (
            {%- for code in accepted -%}'{{ code }}'{{ ", " if not loop.last }}{%- endfor -%}
        ) then lower({{ clean_text(column) }})
    end
{%- endmacro %}


{#- Plausibility rules and reasons of the staging base models (docs/staging.md, "Plausibility
    rules"). Each is a condition for the classified CTE's case expression. -#}

{#- True when a raw value was delivered (not empty) but its typed value did not parse: the row is
    quarantined as invalid_number / invalid_timestamp, not as missing. -#}
{% macro is_unparsed(raw_column, typed_column) -%}
    ({{ typed_column }} is null and trim(cast({{ raw_column }} as {{ dbt.type_string() }})) <> '')
{%- endmacro %}


{#- True when any of the raw timestamp columns was delivered but did not parse. columns: the
    typed names; the raw ones are raw__<name> (raw_columns_carried), _loaded_at as loaded_at.
    One condition a line, for a call on a line of its own after `when`. -#}
{% macro any_timestamp_unparsed(columns) -%}
    {%- set conditions = [] -%}
    {%- for column in columns -%}
        {%- do conditions.append(is_unparsed('raw__' ~ ('_loaded_at' if column == 'loaded_at' else column), column)) -%}
    {%- endfor -%}
    {{ conditions | join('\n                or ') }}
{%- endmacro %}


{#- True when a timestamp is earlier than var earliest_valid_date (a typo such as 2005 for 2025);
    false when the var is null. -#}
{% macro is_before_earliest_valid_date(column) -%}
    {%- set earliest = var('earliest_valid_date', none) -%}
    {%- if earliest -%}
        {{ column }} < cast('{{ earliest }}' as {{ dbt.type_timestamp() }})
    {%- else -%}
        false
    {%- endif -%}
{%- endmacro %}


{#- A raw amount (or product of raw values) as a 64-bit float, for the maximum checks: it is
    compared before any decimal arithmetic, so a value too large for it never reaches one. -#}
{% macro raw_as_double(raw_column) -%}
    {{ safe_cast(raw_column, type_double()) }}
{%- endmacro %}
