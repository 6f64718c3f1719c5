{#-
    Fails (returns one row) when the model has fewer than min_rows rows.
    Useful to prove that a filtered model or segment is populated at all.
-#}
{% test has_rows(model, min_rows=1) %}
    {%- if min_rows is not integer or min_rows < 1 %}
        {{ exceptions.raise_compiler_error(
            "has_rows test: min_rows must be a whole number of at least 1, got "
            ~ (min_rows | tojson)
        ) }}
    {%- endif %}

    select
        row_counts.n_records,
        {{ min_rows }} as required_rows
    from (
        select count(*) as n_records
        from {{ model }}
    ) as row_counts
    where row_counts.n_records < {{ min_rows }}
{% endtest %}
