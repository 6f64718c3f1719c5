{#-
    not_null on several columns of one model in one scan: counts the null rows of every
    column listed in columns, then returns one row per column that has any, with its name
    (column_name) and count (n_null_rows). An empty model passes, as with not_null.
-#}
{% test not_null_columns(model, columns) %}
    {%- set columns = [columns] if columns is string else columns %}
    {%- if columns is none or columns | length == 0 %}
        {{ exceptions.raise_compiler_error(
            "not_null_columns test: columns needs at least one column"
        ) }}
    {%- endif %}

    with

    null_counts as (
        select
            {%- for column in columns %}
                sum(case when {{ column }} is null then 1 else 0 end)
                    as n_null_{{ loop.index }}{{ ',' if not loop.last }}
            {%- endfor %}
        from {{ model }}
    ),

    per_column as (
        {%- for column in columns %}
            select
                '{{ column | replace("'", "''") }}' as column_name,
                null_counts.n_null_{{ loop.index }} as n_null_rows
            from null_counts
            {% if not loop.last %}union all{% endif %}
        {%- endfor %}
    )

    select
        per_column.column_name,
        per_column.n_null_rows
    from per_column
    where per_column.n_null_rows > 0
{% endtest %}
