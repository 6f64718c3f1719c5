{#-
    The one door through which staging reads raw data.

    By default it is the dbt source (the demo seeds, or warehouse tables once raw_database /
    raw_schema point elsewhere). With var raw_path set, the same source is read from
    <raw_path>/<table>.<raw_format> instead. source() is still called so that lineage, docs
    and freshness keep working either way.
-#}
{% macro raw_source(source_name, table_name) -%}
    {%- set relation = source(source_name, table_name) -%}
    {%- set raw_path = var('raw_path', none) -%}
    {%- if not raw_path -%}
        {#- the default sources are the demo seeds: make dbt load them before staging reads them -#}
        {%- set demo_seed = ref('raw_' ~ table_name) -%}
    {%- endif -%}
    {%- if raw_path -%}
        {{ return(read_raw_file(raw_path, table_name)) }}
    {%- else -%}
        {{ return(relation) }}
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
