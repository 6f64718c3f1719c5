{#-
    Fails on every row where the expression is not true. A null result is a
    failure too. With column_name the expression is appended to the column, so
    `expression: ">= 0"` on column amount checks `amount >= 0`.
-#}
{% test expression_is_true(model, expression, column_name=none) %}
    {%- set checked = expression if column_name is none else column_name ~ ' ' ~ expression %}

    select *
    from {{ model }}
    where not coalesce(({{ checked }}), false)
{% endtest %}
