{#- The distinct raw rows of a raw table whose cleaned filter_column is among keys.filter_column,
    each with its cleaned id_columns and its fingerprint and raw text rendered exactly as in the
    table's base model (raw_columns), so a row found again matches its base-model version. -#}
{% macro raw_rows_of_keys(raw_relation, table_name, id_columns, filter_column, keys) -%}
    select distinct
        {%- for column in id_columns %}
        {{ clean_text(column) }} as {{ column }},
        {%- endfor %}
        {{ row_fingerprint(raw_columns(table_name)) }} as raw_row_hash,
        {{ row_as_text(raw_columns(table_name)) }} as raw_values
    from {{ raw_relation }}
    where {{ clean_text(filter_column) }} in (select {{ keys }}.{{ filter_column }} from {{ keys }})
{%- endmacro %}
