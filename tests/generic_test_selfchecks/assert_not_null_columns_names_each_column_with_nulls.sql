{#-
    not_null_columns must return exactly one row per listed column that has nulls, with the
    column's name and its number of null rows, for each scenario in `expected`, and nothing
    for clean columns, clean rows or an empty model. Returns one row per disagreement.
-#}
{%- set null_int = 'cast(null as ' ~ dbt.type_int() ~ ')' -%}
{%- set null_string = 'cast(null as ' ~ dbt.type_string() ~ ')' -%}
{%- set scenarios = [
    ('nulls_in_two_of_four', 'fixture', ['row_id', 'amount', 'label', 'order_date']),
    ('one_column_as_string', 'fixture', 'amount'),
    ('clean_columns', 'fixture', ['row_id', 'label']),
    (
        'clean_rows',
        '(select * from fixture where fixture.amount is not null and fixture.order_date is not null) as clean',
        ['row_id', 'amount', 'label', 'order_date'],
    ),
    ('no_rows', '(select * from fixture where 1 = 0) as no_rows', ['amount', 'order_date']),
] -%}

with

fixture as (
    select
        fixture_rows.row_id,
        fixture_rows.amount,
        fixture_rows.label,
        fixture_rows.order_date
    from (
        values
        (1, 5, 'a', '2024-01-01'),
        (2, {{ null_int }}, 'b', '2024-01-02'),
        (3, {{ null_int }}, 'c', {{ null_string }}),
        (4, 0, 'd', '2024-01-04')
    ) as fixture_rows (row_id, amount, label, order_date)
),

{% for scenario, model_sql, columns in scenarios %}
    returned_{{ scenario }} as (
        {{ test_not_null_columns(model=model_sql, columns=columns) }}
    ),
{% endfor %}

-- The failing columns of each scenario that must fail, with their null rows.
expected as (
    select
        expected_rows.scenario,
        expected_rows.column_name,
        expected_rows.n_null_rows
    from (
        values
        ('nulls_in_two_of_four', 'amount', 2),
        ('nulls_in_two_of_four', 'order_date', 1),
        ('one_column_as_string', 'amount', 2)
    ) as expected_rows (scenario, column_name, n_null_rows)
),

returned as (
    {% for scenario, model_sql, columns in scenarios %}
        select
            '{{ scenario }}' as scenario,
            flagged.column_name,
            flagged.n_null_rows,
            count(*) as n_returned
        from returned_{{ scenario }} as flagged
        group by
            flagged.column_name,
            flagged.n_null_rows
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
)

select
    coalesce(expected.scenario, returned.scenario) as scenario,
    coalesce(expected.column_name, returned.column_name) as column_name,
    expected.n_null_rows as expected_n_null_rows,
    returned.n_null_rows as returned_n_null_rows,
    case
        when returned.scenario is null then 'column with nulls not returned, or miscounted'
        when expected.scenario is null then 'returned a column without nulls, or miscounted'
        else 'column returned more than once'
    end as problem
from expected
full outer join returned
    on
        expected.scenario = returned.scenario
        and expected.column_name = returned.column_name
        and expected.n_null_rows = returned.n_null_rows
where
    expected.scenario is null
    or returned.scenario is null
    or returned.n_returned <> 1
