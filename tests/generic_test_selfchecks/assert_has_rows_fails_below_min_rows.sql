{#-
    has_rows must return exactly one row (with the actual and required counts) for each
    scenario listed in `expected`, and none for the others: a model with exactly min_rows
    rows passes, one row fewer fails, an empty model fails the default. Returns one row per
    disagreement.
-#}
{%- set scenarios = [
    ('three_rows_default', 'fixture', {}),
    ('three_rows_min_3', 'fixture', {'min_rows': 3}),
    ('three_rows_min_4', 'fixture', {'min_rows': 4}),
    ('one_row_default', '(select * from fixture where fixture.row_id = 1) as one_row', {}),
    ('one_row_min_2', '(select * from fixture where fixture.row_id = 1) as one_row', {'min_rows': 2}),
    ('no_rows_default', '(select * from fixture where 1 = 0) as no_rows', {}),
] -%}

with

fixture as (
    select fixture_rows.row_id
    from (
        values
        (1),
        (2),
        (3)
    ) as fixture_rows (row_id)
),

{% for scenario, model_sql, arguments in scenarios %}
    returned_{{ scenario }} as (
        {{ test_has_rows(model=model_sql, **arguments) }}
    ),
{% endfor %}

-- The scenarios that must fail, each with the one row has_rows returns.
expected as (
    select
        expected_rows.scenario,
        expected_rows.n_records,
        expected_rows.required_rows
    from (
        values
        ('three_rows_min_4', 3, 4),
        ('one_row_min_2', 1, 2),
        ('no_rows_default', 0, 1)
    ) as expected_rows (scenario, n_records, required_rows)
),

returned as (
    {% for scenario, model_sql, arguments in scenarios %}
        select
            '{{ scenario }}' as scenario,
            flagged.n_records,
            flagged.required_rows,
            count(*) as n_returned
        from returned_{{ scenario }} as flagged
        group by
            flagged.n_records,
            flagged.required_rows
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
)

select
    coalesce(expected.scenario, returned.scenario) as scenario,
    expected.n_records as expected_n_records,
    returned.n_records as returned_n_records,
    case
        when returned.scenario is null then 'should fail but passed'
        when expected.scenario is null then 'should pass but failed, or reported wrong counts'
        else 'returned more than one row'
    end as problem
from expected
full outer join returned
    on
        expected.scenario = returned.scenario
        and expected.n_records = returned.n_records
        and expected.required_rows = returned.required_rows
where
    expected.scenario is null
    or returned.scenario is null
    or returned.n_returned <> 1
