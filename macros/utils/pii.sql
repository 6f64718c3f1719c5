{#- Personal data never reaches a mart raw: a salted hash (for joins with other systems that
    use the same salt) and a masked form (for people reading a dashboard). The threat model and
    every path personal data takes: docs/privacy.md. -#}

{#- The salt of the demo, published in this repository: a build on any other raw data refuses it
    (assert_pii_hash_salt_set). -#}
{% macro demo_pii_hash_salt() -%}
    customer_segments_demo_salt
{%- endmacro %}


{#- The salt as a SQL expression that reads it from the session, where the profile put it from env
    DBT_ENV_SECRET_PII_HASH_SALT: the value itself is never in the SQL dbt writes (compiled/, run/,
    manifest.json, run_results.json, dbt.log). Unset or empty: the demo salt. -#}
{% macro pii_hash_salt() -%}
    coalesce(nullif({{ adapter.dispatch('pii_hash_salt_setting', 'customer_segments')() }}, ''), '{{ demo_pii_hash_salt() }}')
{%- endmacro %}

{#- DuckDB: the session variable profiles.yml sets on every connection (settings: VARIABLE ...). -#}
{% macro default__pii_hash_salt_setting() -%}
    getvariable('pii_hash_salt')
{%- endmacro %}

{#- PostgreSQL: a custom setting given at connection time through libpq's PGOPTIONS
    (-c customer_segments.pii_hash_salt=...); null when not given. -#}
{% macro postgres__pii_hash_salt_setting() -%}
    current_setting('customer_segments.pii_hash_salt', true)
{%- endmacro %}

{#- Spark: the env var itself, read by the JVM that evaluates the query (reflect calls
    System.getenv): the driver's environment in a local session, the executors' on a cluster, where
    profiles.yml passes it as spark.executorEnv. Not ${...} conf substitution: that is textual, and
    a quote in the salt would break the statement (a profile cannot escape a DBT_ENV_SECRET_ value:
    dbt renders a placeholder and puts the value in afterwards). getenv of an unset variable gives
    'null'. -#}
{% macro spark__pii_hash_salt_setting() -%}
    nullif(reflect('java.lang.System', 'getenv', 'DBT_ENV_SECRET_PII_HASH_SALT'), 'null')
{%- endmacro %}


{#- on-run-start: a build that reads anything but the demo data (var raw_path, raw_database,
    raw_schema or raw_schemas set) stops when the salt is the demo's, which anyone can read here
    and so reverse every hash by dictionary. Var pii_hash_salt is refused: a var is written in
    plain text into dbt's artifacts. Renders no SQL. -#}
{% macro assert_pii_hash_salt_set() -%}
    {%- if var('pii_hash_salt', none) is not none -%}
        {{ exceptions.raise_compiler_error(
            "var pii_hash_salt is not read any more: dbt writes vars in plain text into target/ and "
            ~ "its log. Set the salt in env var DBT_ENV_SECRET_PII_HASH_SALT instead (docs/privacy.md)."
        ) }}
    {%- endif -%}
    {%- set own_data = [] -%}
    {%- for name in ['raw_path', 'raw_database', 'raw_schema', 'raw_schemas'] if var(name, none) -%}
        {%- do own_data.append('var ' ~ name ~ ' = ' ~ var(name)) -%}
    {%- endfor -%}
    {%- if execute and own_data -%}
        {%- set result = run_query(
            "select case when " ~ pii_hash_salt() ~ " = '" ~ demo_pii_hash_salt() ~ "' then 1 else 0 end as is_demo_salt"
        ) -%}
        {%- if result.columns[0].values()[0] | int == 1 -%}
            {{ exceptions.raise_compiler_error(
                "pii_hash_salt: this build reads raw data other than the demo (" ~ own_data | join(', ')
                ~ ") but no salt is set, so emails and phones would be hashed with the demo salt, "
                ~ "which is published and reversible by dictionary. Set env var "
                ~ "DBT_ENV_SECRET_PII_HASH_SALT to a secret of your own (on PostgreSQL: "
                ~ "PGOPTIONS='-c customer_segments.pii_hash_salt=<secret>'); docs/privacy.md."
            ) }}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}


{#- Hex SHA-256 of the salt (pii_hash_salt) followed by the value; null stays null. -#}
{% macro salted_hash(column) -%}
    {{ return(adapter.dispatch('salted_hash', 'customer_segments')(column)) }}
{%- endmacro %}

{% macro default__salted_hash(column) -%}
    case when {{ column }} is not null then sha256({{ pii_hash_salt() }} || {{ column }}) end
{%- endmacro %}

{% macro postgres__salted_hash(column) -%}
    case
        when {{ column }} is not null
            then encode(sha256(convert_to({{ pii_hash_salt() }} || {{ column }}, 'UTF8')), 'hex')
    end
{%- endmacro %}

{% macro spark__salted_hash(column) -%}
    case when {{ column }} is not null then sha2(concat({{ pii_hash_salt() }}, {{ column }}), 256) end
{%- endmacro %}


{#- The personal columns of the raw tables: {column name: kind} from the column meta `pii` in the
    sources YAML (email, phone, name or text). Empty where dbt has no graph (parsing, unit tests). -#}
{% macro raw_pii_columns() -%}
    {%- set pii = {} -%}
    {%- if execute and graph is defined and graph.get('sources') -%}
        {%- for source_node in graph.get('sources', {}).values() if source_node.package_name == project_name -%}
            {%- for column_name, column in source_node.columns.items() -%}
                {%- set kind = (column.get('config') or {}).get('meta', {}).get('pii') or column.get('meta', {}).get('pii') -%}
                {%- if kind -%}
                    {%- do pii.update({column_name: kind}) -%}
                {%- endif -%}
            {%- endfor -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(pii) }}
{%- endmacro %}


{#- The raw tables ('<source>.<table>') with at least one personal column (raw_pii_columns). -#}
{% macro raw_pii_tables() -%}
    {%- set tables = [] -%}
    {%- set pii = raw_pii_columns() -%}
    {%- if pii -%}
        {%- for source_node in graph.get('sources', {}).values() if source_node.package_name == project_name -%}
            {%- if source_node.columns.keys() | select('in', pii) | list -%}
                {%- do tables.append(source_node.source_name ~ '.' ~ source_node.name) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(tables | sort) }}
{%- endmacro %}


{#- A personal value masked by its kind (mask_email, mask_phone; name and text: ***). -#}
{% macro mask_pii(column, kind) -%}
    {%- if kind == 'email' -%}
        {{ mask_email(column) }}
    {%- elif kind == 'phone' -%}
        {{ mask_phone(column) }}
    {%- elif kind in ('name', 'text') -%}
        case when {{ column }} is not null then '***' end
    {%- else -%}
        {{ exceptions.raise_compiler_error(
            "mask_pii: unknown pii kind '" ~ kind ~ "' (column meta pii in the sources YAML): email, phone, name or text"
        ) }}
    {%- endif -%}
{%- endmacro %}


{#- Only the domain of an email: li.wei@example.com -> ***@example.com; no @ at all: ***.
    The domain is kept (mail provider or employer, for deliverability and B2B questions); the
    local part identifies the person and is never shown. -#}
{% macro mask_email(column) -%}
    case
        when {{ column }} is not null and {{ dbt.position("'@'", column) }} > 0
            then {{ dbt.concat([
                "'***'",
                dbt.right(column, dbt.length(column) ~ ' - ' ~ dbt.position("'@'", column) ~ ' + 1'),
            ]) }}
        when {{ column }} is not null then '***'
    end
{%- endmacro %}


{#- The last 4 digits of a phone, every other digit a *: 13800138000 -> *******8000. Any
    formatting is dropped (+86 138-0013-8000 -> *********8000); a number of fewer than 8 digits
    shows no digit. -#}
{% macro mask_phone(column) -%}
    {%- set digits = digits_only(column) -%}
    case
        when {{ column }} is not null and {{ dbt.length(digits) }} >= 8
            then {{ dbt.concat([
                "repeat('*', " ~ dbt.length(digits) ~ " - 4)",
                dbt.right(digits, '4'),
            ]) }}
        when {{ column }} is not null then repeat('*', {{ dbt.length(digits) }})
    end
{%- endmacro %}
