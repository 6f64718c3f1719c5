{#- Engine differences, each behind adapter.dispatch with a default__ version. -#}

{#- A UTC timestamp (naive) as wall-clock time in var reporting_timezone (naive). -#}
{#- In UTC itself the wall-clock time is the timestamp: no conversion (it costs a time-zone lookup
    per row of every read of the stg_ views). -#}
{% macro to_local_timestamp(column) -%}
    {%- if var('reporting_timezone') == 'UTC' -%}
        {{ return(column) }}
    {%- endif -%}
    {{ return(adapter.dispatch('to_local_timestamp', 'customer_segments')(column)) }}
{%- endmacro %}

{% macro default__to_local_timestamp(column) -%}
    (({{ column }}) at time zone 'UTC') at time zone '{{ var("reporting_timezone") }}'
{%- endmacro %}

{% macro duckdb__to_local_timestamp(column) -%}
    timezone('{{ var("reporting_timezone") }}', timezone('UTC', {{ column }}))
{%- endmacro %}

{% macro spark__to_local_timestamp(column) -%}
    from_utc_timestamp({{ column }}, '{{ var("reporting_timezone") }}')
{%- endmacro %}


{#- The local calendar date (var reporting_timezone) of a UTC timestamp. -#}
{% macro local_date(column) -%}
    cast({{ to_local_timestamp(column) }} as date)
{%- endmacro %}


{#- A cast that yields null instead of failing, so bad values can be quarantined. A cast to
    dbt.type_timestamp() keeps a text timestamp's UTC offset (safe_cast_timestamp). -#}
{% macro safe_cast(expression, data_type) -%}
    {%- if data_type == dbt.type_timestamp() -%}
        {{ return(adapter.dispatch('safe_cast_timestamp', 'customer_segments')(expression)) }}
    {%- endif -%}
    {{ return(adapter.dispatch('safe_cast', 'customer_segments')(expression, data_type)) }}
{%- endmacro %}

{% macro default__safe_cast(expression, data_type) -%}
    try_cast({{ expression }} as {{ data_type }})
{%- endmacro %}

{% macro postgres__safe_cast(expression, data_type) -%}
    {#- postgres has no try_cast: values that cannot cast make the build fail loudly -#}
    cast({{ expression }} as {{ data_type }})
{%- endmacro %}


{#- The pattern of a text timestamp that ends in a UTC offset: a time (hh:mm, seconds and
    fraction optional), then Z, +hh, +hhmm or +hh:mm (or -). A date alone does not match. -#}
{% macro timestamp_offset_pattern() -%}
    [0-9]:[0-9][0-9](:[0-9][0-9]([.][0-9]*)?)? ?(Z|z|[+-][0-9][0-9](:?[0-9][0-9])?)$
{%- endmacro %}


{#- A value as a UTC timestamp (naive), null when it does not parse. A text timestamp with a UTC
    offset ('2025-01-01T10:00+08:00') is converted to UTC (02:00); a plain cast to timestamp
    drops the offset on DuckDB and Postgres (8 hours off). Text without an offset is UTC. Spark
    parses the offset itself (its session time zone is UTC: profiles.yml) once the time has its
    seconds. -#}
{% macro safe_cast_timestamp(expression) -%}
    {{ return(adapter.dispatch('safe_cast_timestamp', 'customer_segments')(expression)) }}
{%- endmacro %}

{% macro default__safe_cast_timestamp(expression) -%}
    try_cast({{ expression }} as {{ dbt.type_timestamp() }})
{%- endmacro %}

{#- typeof() is folded when the query is planned: a timestamp column (Parquet, a warehouse table)
    is cast as before, so a filter on it is still pushed into the Parquet scan (changed_version_ctes
    reads only the row groups loaded since the watermark); only text is matched against the pattern. -#}
{% macro duckdb__safe_cast_timestamp(expression) -%}
    case
        when
            typeof({{ expression }}) = 'VARCHAR'
            and regexp_matches(cast({{ expression }} as varchar), '{{ timestamp_offset_pattern() }}')
            then timezone('UTC', try_cast(cast({{ expression }} as varchar) as timestamptz))
        else try_cast({{ expression }} as timestamp)
    end
{%- endmacro %}

{#- Spark reads an offset only after the seconds ('10:00:00+08:00'); '10:00+08:00' would be null. -#}
{% macro spark__safe_cast_timestamp(expression) -%}
    try_cast(
        regexp_replace(
            cast({{ expression }} as string),
            '^([0-9]{4}-[0-9]{1,2}-[0-9]{1,2}[T ][0-9]{1,2}:[0-9]{2})([Zz+-])',
            '$1:00$2'
        ) as timestamp
    )
{%- endmacro %}

{% macro postgres__safe_cast_timestamp(expression) -%}
    {#- no try_cast: values that cannot cast make the build fail loudly -#}
    case
        when cast({{ expression }} as text) ~ '{{ timestamp_offset_pattern() }}'
            then cast(cast({{ expression }} as text) as timestamptz) at time zone 'UTC'
        else cast({{ expression }} as timestamp)
    end
{%- endmacro %}


{#- Keep only the digits 0-9 of a string. -#}
{% macro digits_only(column) -%}
    {{ return(adapter.dispatch('digits_only', 'customer_segments')(column)) }}
{%- endmacro %}

{% macro default__digits_only(column) -%}
    regexp_replace({{ column }}, '[^0-9]', '', 'g')
{%- endmacro %}

{% macro spark__digits_only(column) -%}
    regexp_replace({{ column }}, '[^0-9]', '')
{%- endmacro %}


{#- True when two values differ, a null differing from any value but another null: a portable
    "is distinct from" (Spark and older engines lack the phrase). -#}
{% macro values_differ(left, right) -%}
    (case when {{ left }} = {{ right }} or ({{ left }} is null and {{ right }} is null) then false else true end)
{%- endmacro %}


{#- True when any of the columns differs between two relations (values_differ on each). -#}
{% macro any_values_differ(left, right, columns) -%}
    ({% for column in columns %}{{ values_differ(left ~ '.' ~ column, right ~ '.' ~ column) }}{{ ' or ' if not loop.last else '' }}{% endfor %})
{%- endmacro %}


{#- A stable fingerprint of a row's raw values, for deterministic tie-breaks and audit.
    prefix: the columns are read as <prefix><column> (a base model carries its raw columns
    under a prefix beside the typed ones); the value is the same whatever the prefix. -#}
{% macro row_fingerprint(columns, prefix='') -%}
    {%- set parts = [] -%}
    {%- for column in columns -%}
        {%- do parts.append("coalesce(cast(" ~ prefix ~ column ~ " as " ~ dbt.type_string() ~ "), '<null>')") -%}
        {%- if not loop.last -%}{%- do parts.append("'|'") -%}{%- endif -%}
    {%- endfor -%}
    {{ dbt.hash(dbt.concat(parts)) }}
{%- endmacro %}


{#- A fingerprint of typed values that is only compared with others in the same query (equal
    values, equal fingerprint): row_fingerprint, or DuckDB's 64-bit hash(), which skips building
    the text (version_conflict: ~0.1-0.2 s less of 1 s for 50 k customers' orders). -#}
{% macro content_fingerprint(columns) -%}
    {{ return(adapter.dispatch('content_fingerprint', 'customer_segments')(columns)) }}
{%- endmacro %}

{% macro default__content_fingerprint(columns) -%}
    {{ row_fingerprint(columns) }}
{%- endmacro %}

{% macro duckdb__content_fingerprint(columns) -%}
    hash({{ columns | join(', ') }})
{%- endmacro %}


{#- The raw values of a row as one readable text, kept with every rejected row (labels are the
    column names without prefix). Personal columns (column meta pii in the sources YAML:
    raw_pii_columns) are masked (mask_pii): the text reaches the rejected_rows mart. -#}
{% macro row_as_text(columns, prefix='') -%}
    {%- set pii = raw_pii_columns() -%}
    {%- set parts = [] -%}
    {%- for column in columns -%}
        {%- set value = "cast(" ~ prefix ~ column ~ " as " ~ dbt.type_string() ~ ")" -%}
        {%- if column in pii -%}
            {%- set value = mask_pii(value, pii[column]) -%}
        {%- endif -%}
        {%- do parts.append("'" ~ column ~ "='") -%}
        {%- do parts.append("coalesce(" ~ value ~ ", 'null')") -%}
        {%- if not loop.last -%}{%- do parts.append("'; '") -%}{%- endif -%}
    {%- endfor -%}
    {{ dbt.concat(parts) }}
{%- endmacro %}


{#- The moment a raw row was known to exist: its _loaded_at, else var raw_extracted_at, else
    newest_loaded_at (the newest _loaded_at of the rows being classified: a row without a load
    time is no later than the newest load). A timestamp later than this is from the future and
    its row is quarantined. -#}
{% macro loaded_at_or_extract(column, newest_loaded_at=none) -%}
    {%- set fallbacks = [column] -%}
    {%- if var('raw_extracted_at', none) -%}
        {%- do fallbacks.append("cast('" ~ var('raw_extracted_at') ~ "' as " ~ dbt.type_timestamp() ~ ")") -%}
    {%- endif -%}
    {%- if newest_loaded_at -%}
        {%- do fallbacks.append(newest_loaded_at) -%}
    {%- endif -%}
    {%- if fallbacks | length == 1 -%}
        {{ column }}
    {%- else -%}
        coalesce({{ fallbacks | join(', ') }})
    {%- endif -%}
{%- endmacro %}


{#- The exact type of every money amount (18 digits, 2 decimals) on every engine. -#}
{% macro amount_type() -%}
    decimal(18, 2)
{%- endmacro %}


{#- An amount times a factor (an exchange rate, decimal(18, 8)) as an amount. The amount is
    widened to 19 digits first: DuckDB keeps decimal(18, 2) x decimal(18, 8) in 18 digits
    (decimal(18, 10)), which overflows from a product of 10^8 (an order of 100,000,000); with 19
    it computes in 128 bits, and Spark keeps the exact scale (19 + 18 + 1 = 38 digits). -#}
{% macro multiply_amount(amount, factor) -%}
    cast(cast({{ amount }} as decimal(19, 2)) * {{ factor }} as {{ amount_type() }})
{%- endmacro %}


{#- 64-bit floating point (type_double() is a 32-bit real on DuckDB). -#}
{% macro type_double() -%}
    {{ return(adapter.dispatch('type_double', 'customer_segments')()) }}
{%- endmacro %}

{% macro default__type_double() -%}
    double precision
{%- endmacro %}

{% macro duckdb__type_double() -%}
    double
{%- endmacro %}

{% macro spark__type_double() -%}
    double
{%- endmacro %}


{#- CTEs digits and numbers_0_999: the integers 0..999 (number), portable (no generate_series). -#}
{% macro numbers_0_999_ctes() -%}
digits as (

    select 0 as digit
    union all
    select 1 as digit
    union all
    select 2 as digit
    union all
    select 3 as digit
    union all
    select 4 as digit
    union all
    select 5 as digit
    union all
    select 6 as digit
    union all
    select 7 as digit
    union all
    select 8 as digit
    union all
    select 9 as digit

),

numbers_0_999 as (

    select ones.digit + 10 * tens.digit + 100 * hundreds.digit as number
    from digits as ones
    cross join digits as tens
    cross join digits as hundreds

)
{%- endmacro %}


{#- An amount divided by a count, rounded half up to the cent identically on every engine.
    DuckDB divides decimals in floating point and Postgres exactly, so a plain cast can round
    595.055 down on one engine and up on the other; this works in whole cents instead:
    floor((200 * amount + n) / (2 * n)) cents. Null when the count is 0 or null. -#}
{% macro divide_amount(amount, count) -%}
    cast(
        floor(
            (cast({{ amount }} as decimal(38, 2)) * 200 + ({{ count }}))
            / (2 * nullif({{ count }}, 0))
        ) / 100.0 as {{ amount_type() }}
    )
{%- endmacro %}


{#- `not materialized` after `<cte> as` where the engine supports the hint. DuckDB materialises
    a CTE that is read more than once, copying every row and column into memory; for a CTE over
    a whole raw table (base models) re-reading it is far cheaper (100 k events: 0.6 instead of
    3.4 GiB). Engines without the hint plan CTEs their own way. -#}
{% macro not_materialized() -%}
    {{ return(adapter.dispatch('not_materialized', 'customer_segments')()) }}
{%- endmacro %}

{% macro default__not_materialized() -%}
{%- endmacro %}

{% macro duckdb__not_materialized() -%}
    not materialized
{%- endmacro %}

{% macro postgres__not_materialized() -%}
    not materialized
{%- endmacro %}


{#- `materialized` on an incremental run, else not_materialized(), on the engines with that hint
    (nothing elsewhere): for the scoped CTE of the incremental staging base models, which the
    classification reads three times. On an incremental run it holds the few raw rows of changed
    keys, kept once instead of filtering every raw row three times (1 M customers, 0.6 M of 50 M
    events: 36 s, 12 s materialized); on a full build it is every raw row, re-read rather than
    copied. -#}
{% macro materialized_if_incremental() -%}
    {#- the engines with the `not materialized` hint take `materialized` too -#}
    {%- if is_incremental() and not_materialized() | trim -%}
        materialized
    {%- else -%}
        {{ not_materialized() }}
    {%- endif -%}
{%- endmacro %}


{#- numerator / denominator as a 64-bit float. Spark divides decimals (and so `n * 1.0 / d`) with
    only 6 decimals of scale, so there both sides are cast to double first; other engines keep
    their division (DuckDB divides decimals in floating point already). -#}
{% macro divide_as_double(numerator, denominator) -%}
    {{ return(adapter.dispatch('divide_as_double', 'customer_segments')(numerator, denominator)) }}
{%- endmacro %}

{% macro default__divide_as_double(numerator, denominator) -%}
    ({{ numerator }}) * 1.0 / ({{ denominator }})
{%- endmacro %}

{% macro spark__divide_as_double(numerator, denominator) -%}
    cast({{ numerator }} as double) / cast({{ denominator }} as double)
{%- endmacro %}
