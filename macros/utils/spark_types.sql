{#-
    Spark (dbt-spark) overrides, so that the portable type names of the YAML files (seed
    column_types and mart contracts: varchar, double precision, text) work on Spark too, which
    rejects varchar without a length and double precision. Only spark__ versions of dbt's own
    dispatched macros live here; every other engine keeps dbt's default behaviour.
-#}

{#- A portable SQL type name in the form Spark accepts: varchar / text -> string,
    double precision -> double; anything else unchanged. -#}
{% macro spark_type_name(data_type) -%}
    {%- set normalised = data_type | string | trim | lower -%}
    {%- set aliases = {
        'varchar': 'string',
        'text': 'string',
        'character varying': 'string',
        'double precision': 'double',
    } -%}
    {{- return(aliases.get(normalised, data_type)) -}}
{%- endmacro %}


{#- Contracts: dbt casts null to each YAML data_type to learn the expected schema. -#}
{% macro spark__get_empty_schema_sql(columns) -%}
    {%- set translated = {} -%}
    {%- for name in columns -%}
        {%- set column = columns[name] -%}
        {%- set copy = {} -%}
        {%- do copy.update(column) -%}
        {%- if column.get('data_type') is not none -%}
            {%- do copy.update({'data_type': spark_type_name(column['data_type'])}) -%}
        {%- endif -%}
        {%- do translated.update({name: copy}) -%}
    {%- endfor -%}
    {{ return(dbt.default__get_empty_schema_sql(translated)) }}
{%- endmacro %}


{#- Seeds: dbt-spark's create_csv_table / load_csv_rows with the column_types translated. -#}
{% macro spark_seed_column_type(model, agate_table, column_index) -%}
    {%- set column_override = model['config'].get('column_types', {}) -%}
    {%- set column_name = agate_table.column_names[column_index] -%}
    {%- set inferred_type = adapter.convert_type(agate_table, column_index) -%}
    {{- return(spark_type_name(column_override.get(column_name, inferred_type))) -}}
{%- endmacro %}


{% macro spark__create_csv_table(model, agate_table) %}
    {%- set quote_seed_column = model['config'].get('quote_columns', None) -%}
    {% set sql %}
        create table {{ this.render() }} (
            {%- for col_name in agate_table.column_names -%}
                {{ adapter.quote_seed_column(col_name | string, quote_seed_column) }}
                {{ spark_seed_column_type(model, agate_table, loop.index0) }}
                {%- if not loop.last -%}, {%- endif -%}
            {%- endfor -%}
        )
        {{ file_format_clause() }}
        {{ partition_cols(label="partitioned by") }}
        {{ clustered_cols(label="clustered by") }}
        {{ location_clause() }}
        {{ comment_clause() }}
    {% endset %}
    {% call statement('_') -%}
        {{ sql }}
    {%- endcall %}
    {{ return(sql) }}
{% endmacro %}


{#- dbt-spark's session cursor formats bindings as Python text (a null becomes 'None', a quote
    breaks the statement), so seed rows are rendered as escaped literals here instead, cast once
    per column: the same agate values every engine loads. -#}
{% macro spark_seed_literal(value) -%}
    {%- if value is none -%}
        null
    {%- else -%}
        '{{ value | string | replace("\\", "\\\\") | replace("'", "\\'") }}'
    {%- endif -%}
{%- endmacro %}


{% macro spark__load_csv_rows(model, agate_table) %}
    {%- set batch_size = get_batch_size() -%}
    {%- set quote_seed_column = model['config'].get('quote_columns', None) -%}
    {%- set casts = [] -%}
    {%- for col_name in agate_table.column_names -%}
        {%- do casts.append(
            'cast(seed_values.c' ~ loop.index ~ ' as '
            ~ spark_seed_column_type(model, agate_table, loop.index0) ~ ') as '
            ~ adapter.quote_seed_column(col_name | string, quote_seed_column)
        ) -%}
    {%- endfor -%}
    {%- set aliases = [] -%}
    {%- for col_name in agate_table.column_names -%}
        {%- do aliases.append('c' ~ loop.index) -%}
    {%- endfor -%}
    {%- set statements = [] -%}
    {%- for chunk in agate_table.rows | batch(batch_size) -%}
        {%- set sql -%}
            insert into {{ this.render() }}
            select {{ casts | join(', ') }}
            from values
            {% for row in chunk -%}
                ({%- for value in row -%}
                    {{ spark_seed_literal(value) }}{%- if not loop.last -%},{%- endif -%}
                {%- endfor -%}){%- if not loop.last -%},{%- endif %}
            {% endfor -%}
            as seed_values({{ aliases | join(', ') }})
        {%- endset -%}
        {%- do adapter.add_query(sql, abridge_sql_log=True) -%}
        {%- if loop.index0 == 0 -%}
            {%- do statements.append(sql) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(statements[0]) }}
{% endmacro %}
