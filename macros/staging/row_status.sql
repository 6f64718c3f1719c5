{#-
    The raw-data contract as dbt knows it: per raw table ('<source>.<table>') its columns in the order
    of the sources YAML (models/staging/<source>/_<source>__sources.yml), the one list of them, read
    from the dbt graph. The graph holds the sources only while executing a model; a unit test, which
    has no graph, overrides this macro with the lists it needs (dbt's way for introspective macros).
-#}
{% macro raw_contract() -%}
    {%- set contract = {} -%}
    {%- for source_node in graph.get('sources', {}).values() if source_node.package_name == project_name -%}
        {%- do contract.update({
            source_node.source_name ~ '.' ~ source_node.name: source_node.columns.keys() | list
        }) -%}
    {%- endfor -%}
    {{ return(contract) }}
{%- endmacro %}


{#- The raw columns of a raw table ('<source>.<table>'), in the order they are fingerprinted and
    rendered as text (raw_contract). [] while parsing, when nothing is executed. -#}
{% macro raw_columns(table_name) -%}
    {%- if not execute -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set columns = raw_contract().get(table_name) -%}
    {%- if not columns -%}
        {{ exceptions.raise_compiler_error(
            "raw_columns: the sources YAML declares no columns for raw table '" ~ table_name
            ~ "' (or a unit test reading it does not override macro raw_contract)"
        ) }}
    {%- endif -%}
    {{ return(columns) }}
{%- endmacro %}


{#- The raw columns of a table carried beside the typed ones as raw__<column>, so the few rows
    that need a fingerprint or their raw text get it from the values as they arrived. -#}
{% macro raw_columns_carried(table_name) -%}
    {%- for column in raw_columns(table_name) %}
        {{ column }} as raw__{{ column }}{{ ',' if not loop.last }}
    {%- endfor %}
{%- endmacro %}


{#-
    The last CTEs of every staging base model: version_rank of each row among the rows of its
    key and reject_reason (in keep_order), and row_status (rejected when a rule rejected the
    row, superseded when another version of the key is kept, else clean).

    Only rows that need it are ranked and fingerprinted: rejected rows and the rows of keys that
    occur more than once. The other rows are the only row of their key, so their version_rank is
    1 without a sort; sorting every row (with its raw text) made the window spill to disk and grow
    faster than the data. raw_row_hash is computed for the ranked rows (it breaks ties and names a
    quarantined row), raw_values for the rejected rows only (rejected_rows is its only reader;
    int_rows_unattributed re-reads the raw values of the clean rows it rejects).

    columns: the typed columns of the classified CTE (without the raw__ ones), in output order.
    held_versions: true in a model whose raw rows come from changed_version_ctes; on an
    incremental run its CTE held has the earlier rows of the keys being classified, as the model
    holds them, and those with a raw_row_hash (every row of a repeated key, and rejected rows) are
    ranked with the new rows as they are. Their raw_row_hash and raw_values are the ones a full
    build computes, and every other row of those keys is in the classified CTE.
    keep_value: the value keep_order sorts the versions by (without the raw_row_hash tie-break);
    has_version_conflict is true on the valid rows of a key that share their keep_value with a
    row of other content (the typed columns but loaded_at): the kept one was chosen by hash.
-#}
{% macro row_status_ctes(
    classified, columns, key_columns, keep_order, table_name, held_versions=false, keep_value=none
) -%}
{%- set held = 'held' if held_versions and is_incremental() else none -%}
{%- set key_groups = key_group_expressions(key_columns) -%}
repeated_keys as (

    select
        {%- for expression in key_groups %}
        {{ expression }} as repeated_key_{{ loop.index }}{{ ',' if not loop.last }}
        {%- endfor %}
    {%- if held %}
    from (
        select {{ key_columns | join(', ') }} from {{ classified }}
        union all
        select {{ key_columns | join(', ') }} from {{ held }} where raw_row_hash is not null
    ) as key_rows
    {%- else %}
    from {{ classified }}
    {%- endif %}
    group by {% for expression in key_groups %}{{ expression }}{{ ', ' if not loop.last }}{% endfor %}
    having count(*) > 1

),

flagged as {{ not_materialized() }} (

    select
        {{ classified }}.*,
        (
            {{ classified }}.reject_reason is not null
            or repeated_keys.repeated_key_1 is not null
        ) as needs_ranking
    from {{ classified }}
    left join repeated_keys
        on
        {%- for expression in key_group_expressions(key_columns, classified) %}
            {{ 'and ' if not loop.first }}{{ expression }} = repeated_keys.repeated_key_{{ loop.index }}
        {%- endfor %}

),

fingerprinted as (

    select
        {%- for column in columns %}
        {{ column }},
        {%- endfor %}
        {{ row_fingerprint(raw_columns(table_name), 'raw__') }} as raw_row_hash,
        case
            when reject_reason is not null then {{ row_as_text(raw_columns(table_name), 'raw__') }}
        end as raw_values,
        reject_reason
    from flagged
    where needs_ranking
    {%- if held %}
    union all
    select
        {%- for column in columns %}
        {{ column }},
        {%- endfor %}
        raw_row_hash,
        raw_values,
        reject_reason
    from {{ held }}
    where raw_row_hash is not null
    {%- endif %}

),

ranked as (

    select
        *,
        row_number() over (
            partition by {{ key_columns | join(', ') }}, reject_reason
            order by {{ keep_order }}
        ) as version_rank,
        {{ version_conflict(columns, key_columns, keep_value) }} as has_version_conflict
    from fingerprinted

),

single_versions as (

    select
        {%- for column in columns %}
        {{ column }},
        {%- endfor %}
        cast(null as {{ dbt.type_string() }}) as raw_row_hash,
        cast(null as {{ dbt.type_string() }}) as raw_values,
        reject_reason,
        cast(1 as {{ dbt.type_bigint() }}) as version_rank,
        false as has_version_conflict
    from flagged
    where not needs_ranking

),

versioned as (

    select * from ranked
    union all
    select * from single_versions

),

final as (

    select
        *,
        case
            when reject_reason is not null then 'rejected'
            when version_rank > 1 then 'superseded'
            else 'clean'
        end as row_status
    from versioned

)
{%- endmacro %}


{#-
    The expressions row_status_ctes groups and joins the key columns on to find the keys with
    more than one row (repeated_keys): the key columns themselves, qualified by relation when one
    is given. Dispatched: DuckDB groups on one 64-bit hash of the key instead, as grouping 50 M
    distinct text keys was the base model's second cost (1 M customers, base_app__events: the
    repeated_keys aggregate 10.8 s alone against 7.5 s on the hash). A hash collision only marks a
    single-version key as repeated: its row is then fingerprinted and ranked among the rows of
    its own key (the window partitions on the key itself), rank 1, clean, as without it.
-#}
{% macro key_group_expressions(key_columns, relation=none) -%}
    {{ return(adapter.dispatch('key_group_expressions', 'customer_segments')(key_columns, relation)) }}
{%- endmacro %}

{% macro default__key_group_expressions(key_columns, relation=none) -%}
    {%- set expressions = [] -%}
    {%- for key_column in key_columns -%}
        {%- do expressions.append((relation ~ '.' if relation else '') ~ key_column) -%}
    {%- endfor -%}
    {{ return(expressions) }}
{%- endmacro %}

{% macro duckdb__key_group_expressions(key_columns, relation=none) -%}
    {{ return(['hash(' ~ default__key_group_expressions(key_columns, relation) | join(', ') ~ ')']) }}
{%- endmacro %}


{#- True on a valid row whose key has another valid row with the same keep_value and other
    content (the typed columns but loaded_at: a redelivery of the same content is no conflict);
    false without keep_value. For row_status_ctes' ranked CTE. -#}
{% macro version_conflict(columns, key_columns, keep_value) -%}
    {%- if keep_value -%}
        {%- set content = content_fingerprint(columns | reject('equalto', 'loaded_at') | list) -%}
        coalesce(
            reject_reason is null
            and min({{ content }}) over (
                partition by {{ key_columns | join(', ') }}, reject_reason, {{ keep_value }}
            )
            <> max({{ content }}) over (
                partition by {{ key_columns | join(', ') }}, reject_reason, {{ keep_value }}
            ),
            false
        )
    {%- else -%}
        false
    {%- endif -%}
{%- endmacro %}
