{#-
    The one door through which staging reads raw data, called by the staging base models only.

    The model passes both the dbt source and the demo seed with plain source() / ref() calls, so
    dbt sees both dependencies where a reader sees them: by default the source is the demo seed's
    table (which dbt must load first), or warehouse tables once raw_database / raw_schema point
    elsewhere. With var raw_path set, the source's table is read from
    <raw_path>/<table>.<raw_format> instead; lineage, docs and freshness follow the source either way.
-#}
{% macro raw_source(source_relation, demo_seed) -%}
    {%- set raw_path = var('raw_path', none) -%}
    {%- if raw_path -%}
        {#- the source's identifier is var raw_table_prefix + the table name, the file's name -#}
        {%- set table_name = source_relation.identifier[(var('raw_table_prefix', 'raw_') or '') | length:] -%}
        {{ return(read_raw_file(raw_path, table_name)) }}
    {%- else -%}
        {{ return(source_relation) }}
    {%- endif -%}
{%- endmacro %}


{% macro read_raw_file(raw_path, table_name) -%}
    {{ return(adapter.dispatch('read_raw_file', 'customer_segments')(raw_path, table_name)) }}
{%- endmacro %}


{% macro default__read_raw_file(raw_path, table_name) -%}
    {{ exceptions.raise_compiler_error(
        "var raw_path is supported on DuckDB and Spark only (adapter '" ~ target.type ~ "'): load the files "
        ~ "into tables and point the sources at them with vars raw_database / raw_schema."
    ) }}
{%- endmacro %}


{% macro duckdb__read_raw_file(raw_path, table_name) -%}
    {%- set raw_format = var('raw_format', 'parquet') | lower -%}
    {%- set location = raw_path | string | replace("'", "''") ~ '/' ~ table_name ~ '.' ~ raw_format -%}
    {%- if raw_format == 'parquet' -%}
        read_parquet('{{ location }}')
    {%- elif raw_format == 'csv' -%}
        {#- every column as text: staging casts explicitly and quarantines what does not cast -#}
        read_csv('{{ location }}', header = true, all_varchar = true)
    {%- else -%}
        {{ exceptions.raise_compiler_error(
            "var raw_format must be 'parquet' or 'csv', got '" ~ raw_format ~ "'"
        ) }}
    {%- endif -%}
{%- endmacro %}


{#- Spark reads Parquet files by path; CSV is not supported there (Spark's path-based CSV reader
    has no header option in SQL): convert the files to Parquet or load them into tables. -#}
{% macro spark__read_raw_file(raw_path, table_name) -%}
    {%- set raw_format = var('raw_format', 'parquet') | lower -%}
    {%- if raw_format != 'parquet' -%}
        {{ exceptions.raise_compiler_error(
            "var raw_format '" ~ raw_format ~ "' is not supported on Spark: use parquet files, or load "
            ~ "the files into tables and point the sources at them with vars raw_database / raw_schema."
        ) }}
    {%- endif -%}
    parquet.`{{ raw_path | string | replace("`", "``") }}/{{ table_name }}.parquet`
{%- endmacro %}
