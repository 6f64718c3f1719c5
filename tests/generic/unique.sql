{#-
    dbt's unique test, same result (one row per non-null value held by more than one row:
    unique_field and n_records), counted by duplicated_keys: on DuckDB hashes first, the cost of
    the big-table unique tests of every build (macros/utils/data_tests.sql). dbt takes a
    project's generic test over its built-in one of the same name.
-#}
{% test unique(model, column_name) %}
    {%- set tested_values -%}
        (select {{ column_name }} as unique_field from {{ model }}) as tested_values
    {%- endset %}

    {{ duplicated_keys(tested_values, ['unique_field'], where='unique_field is not null') }}
{% endtest %}
