{#-
    Returns one row per combination of combination_of_columns that occurs more
    than once, with the number of rows sharing it (n_records). Nulls group
    together, as in group by.
-#}
{% test unique_combination_of_columns(model, combination_of_columns) %}
    {%- set columns = [combination_of_columns] if combination_of_columns is string
        else combination_of_columns %}
    {%- if columns is none or columns | length == 0 %}
        {{ exceptions.raise_compiler_error(
            "unique_combination_of_columns test: combination_of_columns needs at least one column"
        ) }}
    {%- endif %}

    {{ duplicated_keys(model, columns) }}
{% endtest %}
