{#- Incremental building blocks shared by the large fact models. -#}

{#- The strategy of incremental fact models: delete+insert by key where the engine supports
    it (DuckDB, Postgres, Snowflake ...), insert_overwrite by partition on Spark without Delta. -#}
{% macro fact_incremental_strategy() -%}
    {{ return(adapter.dispatch('fact_incremental_strategy', 'customer_segments')()) }}
{%- endmacro %}

{% macro default__fact_incremental_strategy() -%}
    {{ return('delete+insert') }}
{%- endmacro %}

{% macro spark__fact_incremental_strategy() -%}
    {{ return('insert_overwrite') }}
{%- endmacro %}


{#- The newest load already in this model, less var fact_lookback_days: rows loaded after it
    are (re)processed. A scalar subquery over {{ this }}; an empty model reprocesses everything. -#}
{% macro incremental_watermark(column) -%}
    select
        coalesce(
            {{ dbt.dateadd('day', -1 * var('fact_lookback_days') | int, 'max(processed.' ~ column ~ ')') }},
            cast('1900-01-01' as {{ dbt.type_timestamp() }})
        )
    from {{ this }} as processed
{%- endmacro %}


{#- The select of the source customer ids whose person gained or changed a record since this
    model's watermark: their facts are reprocessed on an incremental run, so a late-arriving
    customer record (or a merge that changes a person's key) reaches facts loaded before it.
    id_map: the model's CTE of int_customer_ids_mapped; customer_records: its CTE of
    stg_crm__customers. -#}
{% macro customer_ids_changed_since_watermark(id_map, customer_records) -%}
    select id_map.source_customer_id
    from {{ id_map }} as id_map
    inner join {{ id_map }} as changed_map
        on id_map.customer_key = changed_map.customer_key
    inner join {{ customer_records }} as changed_customers
        on changed_map.source_customer_id = changed_customers.customer_id
    where changed_customers.loaded_at > ({{ incremental_watermark('loaded_at') }})
{%- endmacro %}


{#- The rows an incremental run reprocesses by load time: loaded since this model's watermark,
    or without a load time (no watermark can place them). A where clause on a relation with
    column loaded_at; the watermark is always this model's, whichever relation it filters. -#}
{% macro loaded_since_watermark() -%}
    loaded_at is null
    or loaded_at > ({{ incremental_watermark('loaded_at') }})
{%- endmacro %}


{#- The rows of a customer fact (columns loaded_at, customer_id) an incremental run reprocesses: those
    loaded since this model's watermark (or without a load time), and those of a person whose
    customer record changed since then (changed_customer_ids: the model's CTE of
    customer_ids_changed_since_watermark). A where clause; the watermark is always this model's,
    whichever relation the clause filters. -#}
{% macro fact_rows_changed_since_watermark(changed_customer_ids) -%}
    {{ loaded_since_watermark() }}
    or customer_id in (select {{ changed_customer_ids }}.source_customer_id from {{ changed_customer_ids }})
{%- endmacro %}


{#- The post-hook of an incremental model that withdraws rows: besides the rows it writes, an
    incremental run writes a withdrawal row for each key it reprocessed that no longer belongs in
    the model (a fact that can no longer be attributed, a row no longer rejected). delete+insert
    deletes the held row of that key, and this hook then deletes the withdrawal rows, which
    condition picks out (a where clause true of no real row). Nothing on a full build or on
    engines that rebuild the table (fact_materialization). -#}
{% macro delete_withdrawn_rows(condition) -%}
    {%- if is_incremental() -%}
        delete from {{ this }} where {{ condition }}
    {%- endif -%}
{%- endmacro %}


{#- The materialisation of the key-based incremental facts (unique_key order_id / event_id):
    incremental where the engine can delete or merge rows by key; a full table rebuild on Spark
    without Delta, where insert_overwrite replaces whole partitions and no partition column
    groups an order's versions, so an incremental run could drop or duplicate rows. -#}
{% macro fact_materialization() -%}
    {{ return(adapter.dispatch('fact_materialization', 'customer_segments')()) }}
{%- endmacro %}

{% macro default__fact_materialization() -%}
    {{ return('incremental') }}
{%- endmacro %}

{% macro spark__fact_materialization() -%}
    {{ return('table') }}
{%- endmacro %}


{#- partition_by of an incremental model whose unique_key is a date it rebuilds whole
    (customer_segment_history by as_of_date, tag_coverage_history by computed_for_date): on
    Spark insert_overwrite then replaces exactly the partitions of the rebuilt dates, as
    delete+insert by that key does elsewhere; none on other engines. -#}
{% macro date_key_partition_by(column) -%}
    {{ return(adapter.dispatch('date_key_partition_by', 'customer_segments')(column)) }}
{%- endmacro %}

{% macro default__date_key_partition_by(column) -%}
    {{ return(none) }}
{%- endmacro %}

{% macro spark__date_key_partition_by(column) -%}
    {{ return([column]) }}
{%- endmacro %}


{#- The incremental key of a fact-sized staging base model: its business key, with every row
    without one (all rejected) in one group of their own. clean_text turns '' into null, so ''
    is never a real key. The base models' unique_key is this expression on the typed key column
    (dbt's delete+insert accepts an expression), so the key is not stored a second time. -#}
{% macro version_group(key_column) -%}
    coalesce({{ key_column }}, '')
{%- endmacro %}


{#- version_group(clean_text(column)) of a raw key column, the same value by a cheaper road where
    the engine allows: changed_version_ctes computes it for every raw row loaded from the earliest
    held single version to the watermark. Dispatched; the default is that expression itself. -#}
{% macro raw_key_version_group(column) -%}
    {{ return(adapter.dispatch('raw_key_version_group', 'customer_segments')(column)) }}
{%- endmacro %}

{% macro default__raw_key_version_group(column) -%}
    {{ version_group(clean_text(column)) }}
{%- endmacro %}

{#- DuckDB's trim removes exactly the Unicode space separators (category Zs, the code points
    below; the singular test assert_raw_key_version_group_matches_clean_text checks every code
    point), and trimming allocates a new string per row: at 1 M customers it was most of the
    daily filter's time over 50 M raw event ids. A key whose first and last characters are not
    among them is its own cleaned form (null and '' give '' both ways), so only keys that start or
    end with one are trimmed. -#}
{% macro duckdb__raw_key_version_group(column) -%}
    {%- set text = 'cast(' ~ column ~ ' as ' ~ dbt.type_string() ~ ')' -%}
    {%- set space_separators = '(32, 160, 5760, 8192, 8193, 8194, 8195, 8196, 8197, 8198, 8199, 8200, 8201, 8202, 8239, 8287, 12288)' -%}
    case
        when ascii({{ text }}) in {{ space_separators }} or ascii({{ text }}[-1]) in {{ space_separators }}
            then {{ version_group(clean_text(column)) }}
        else {{ version_group(text) }}
    end
{%- endmacro %}


{#- The raw keys on which raw_key_version_group is checked against the plain expression (singular
    test assert_raw_key_version_group_matches_clean_text): the keys of CTE fixed_keys (column
    raw_key), and wherever an engine has a version of its own, the inputs that version could get
    wrong. A select. -#}
{% macro raw_key_version_group_checked_keys(fixed_keys) -%}
    {{ return(adapter.dispatch('raw_key_version_group_checked_keys', 'customer_segments')(fixed_keys)) }}
{%- endmacro %}

{% macro default__raw_key_version_group_checked_keys(fixed_keys) -%}
    select raw_key from {{ fixed_keys }}
{%- endmacro %}

{#- DuckDB's version trims only keys that start or end with some code points: every code point
    alone, before a key and after one (surrogates are not characters). -#}
{% macro duckdb__raw_key_version_group_checked_keys(fixed_keys) -%}
    select raw_key from {{ fixed_keys }}
    union all
    select affixes.prefix || code_points.code_point || affixes.suffix
    from (
        select chr(cast(range as integer)) as code_point
        from range(1, 1114112)
        where range not between 55296 and 57343
    ) as code_points
    cross join (values ('', ''), ('', 'k'), ('k', '')) as affixes (prefix, suffix)
{%- endmacro %}


{#- The CTEs of a staging base model that choose the raw rows it classifies, ending with CTE scoped.
    A full build (or an engine that rebuilds the table): every raw row.
    An incremental run reclassifies each version group (key) with a raw row loaded since the
    model's watermark, or with a load time that does not parse, and replaces the group's earlier
    rows (delete+insert on the version_group expression). It reads from the raw table only
    - loaded_since: the raw rows loaded since the watermark or without a parsing load time; and
    - the raw rows of the held single versions (below), found by key among the raw rows loaded
      from the earliest of them up to the watermark.
    The group's other rows, loaded up to the watermark, come from the model itself (CTE held):
    the raw tables are append-only, so those are the rows the model classified before, and a row
    of a group with more than one row (or a rejected row) holds its raw_row_hash and raw_values
    as row_status_ctes left them. row_status_ctes (held_versions=true) ranks them with the new
    rows. A held row without raw_row_hash was the only row of its group: its raw row is read and
    classified again, to be fingerprinted like every row of a repeated key.
    Reading the earlier versions from the raw table instead meant a semi-join of every raw row
    on its key each day (1 M customers: 50.8 M raw events; the select took 11.0 s of the model's
    15.2 s, run alone).
    source: the CTE of raw rows, with _loaded_at; key_column: the raw business key (the typed
    column of the same name holds its cleaned value). -#}
{% macro changed_version_ctes(source, key_column) -%}
    {%- if is_incremental() %}
    {%- set loaded_at = safe_cast('_loaded_at', dbt.type_timestamp()) %}
{#- two selects, not `is null or >`: with the `or`, DuckDB read every raw row before filtering (1 M
    customers: all 50.8 M raw events, 7.3 s of scan operator time); with the union it skips the
    Parquet row groups loaded before the watermark (0.57 M rows read, 0.5 s) -#}
loaded_since as {{ materialized_if_incremental() }} (

    select * from {{ source }}
    where {{ loaded_at }} > ({{ incremental_watermark('loaded_at') }})
    union all
    select * from {{ source }}
    where {{ loaded_at }} is null

),

{#- the model's rows of those keys; filtered on the watermark in the next CTE: in one query DuckDB
    compared every row of the model with the watermark before the key's semi-join (1 M customers,
    the events' select: 9.5 s that way in one run, 7.4-8.3 s this way in three) -#}
held_of_changed_keys as {{ materialized_if_incremental() }} (

    {{ rows_of_keys(
        this,
        version_group('held.' ~ key_column),
        'select ' ~ version_group(clean_text(key_column)) ~ ' from loaded_since'
    ) | indent(4) }}

),

held as {{ materialized_if_incremental() }} (

    select * from held_of_changed_keys
    where loaded_at <= ({{ incremental_watermark('loaded_at') }})

),

scoped as {{ materialized_if_incremental() }} (

    select * from loaded_since
    union all
    select * from {{ source }}
    where
        {{ loaded_at }} >= coalesce(
            (select min(single.loaded_at) from held as single where single.raw_row_hash is null),
            cast('9999-12-31' as {{ dbt.type_timestamp() }})
        )
        and {{ loaded_at }} <= ({{ incremental_watermark('loaded_at') }})
        and {{ raw_key_version_group(key_column) }} in (
            select {{ version_group('single.' ~ key_column) }}
            from held as single
            where single.raw_row_hash is null
        )

),
    {%- else %}
scoped as {{ not_materialized() }} (

    select * from {{ source }}

),
    {%- endif %}
{%- endmacro %}


{#- The rows of a relation whose key (key_expression, on alias held) is among the values a one-column
    select returns. DuckDB reads the key alone to find the matching rows' row ids, then the whole
    rows of those ids: in one step it read every column of every row of the model (1 M customers,
    base_app__events: 50.6 M rows for 0.42 M; the model's incremental select 5.7-7.3 s against
    3.3 s). -#}
{% macro rows_of_keys(relation, key_expression, keys_select) -%}
    {{ return(adapter.dispatch('rows_of_keys', 'customer_segments')(relation, key_expression, keys_select)) }}
{%- endmacro %}

{% macro default__rows_of_keys(relation, key_expression, keys_select) -%}
select * from {{ relation }} as held
    where {{ key_expression }} in (
        {{ keys_select }}
    )
{%- endmacro %}

{% macro duckdb__rows_of_keys(relation, key_expression, keys_select) -%}
select * from {{ relation }}
    where rowid in (
        select held.rowid from {{ relation }} as held
        where {{ key_expression }} in (
            {{ keys_select }}
        )
    )
{%- endmacro %}
